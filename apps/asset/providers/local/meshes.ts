import { fractalNoise } from './noise.ts';
import { gradientAt, type Rgb } from './palette.ts';
import type { Random } from './random.ts';

/** Indexed triangles with per-vertex normals and colours (linear RGB 0…1). */
export interface Geometry {
  positions: number[];
  normals: number[];
  colors: number[];
  indices: number[];
}

export interface Shape {
  name: 'box' | 'sphere' | 'cylinder' | 'terrain';
  /** The coarsest tessellation that still is the shape. */
  minDetail: number;
  /** The tessellation for a quality's {@link MESH_DETAIL} (segments). */
  detailFor(meshDetail: number): number;
  triangles(detail: number): number;
  build(detail: number, random: Random, colours: Rgb[]): Geometry;
}

const toLinear = (channel: number): number => {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

function geometry(): Geometry & { vertex(p: number[], n: number[], c: Rgb): number } {
  const g: Geometry = { positions: [], normals: [], colors: [], indices: [] };
  return Object.assign(g, {
    vertex(p: number[], n: number[], c: Rgb) {
      g.positions.push(...p);
      g.normals.push(...n);
      g.colors.push(toLinear(c[0]), toLinear(c[1]), toLinear(c[2]));
      return g.positions.length / 3 - 1;
    },
  });
}

/** Two triangles of the quad a-b-c-d (counter-clockwise seen from outside). */
const quad = (indices: number[], a: number, b: number, c: number, d: number) => indices.push(a, b, c, a, c, d);

const FACES: { normal: number[]; u: number[]; v: number[] }[] = [
  { normal: [1, 0, 0], u: [0, 0, -1], v: [0, 1, 0] },
  { normal: [-1, 0, 0], u: [0, 0, 1], v: [0, 1, 0] },
  { normal: [0, 1, 0], u: [1, 0, 0], v: [0, 0, -1] },
  { normal: [0, -1, 0], u: [1, 0, 0], v: [0, 0, 1] },
  { normal: [0, 0, 1], u: [1, 0, 0], v: [0, 1, 0] },
  { normal: [0, 0, -1], u: [-1, 0, 0], v: [0, 1, 0] },
];

/** A unit cube standing on the ground (y from 0 to 1), each face a `detail`×`detail` grid, tinted per face. */
export const box: Shape = {
  name: 'box',
  minDetail: 1,
  detailFor: (meshDetail) => Math.max(1, meshDetail / 8),
  triangles: (d) => 12 * d * d,
  build(d, random, colours) {
    const g = geometry();
    for (const [f, { normal, u, v }] of FACES.entries()) {
      const tint = gradientAt(colours, 0.35 + 0.4 * random());
      const first = g.positions.length / 3;
      for (let j = 0; j <= d; j++) {
        for (let i = 0; i <= d; i++) {
          const [a, b] = [i / d - 0.5, j / d - 0.5];
          const p = [0, 1, 2].map((k) => normal[k]! * 0.5 + u[k]! * a + v[k]! * b + (k === 1 ? 0.5 : 0));
          const shade = 0.9 + 0.1 * Math.sin(f + i * 1.7 + j * 2.3);
          g.vertex(p, normal, [tint[0] * shade, tint[1] * shade, tint[2] * shade]);
        }
      }
      for (let j = 0; j < d; j++) {
        for (let i = 0; i < d; i++) {
          const at = first + j * (d + 1) + i;
          quad(g.indices, at, at + 1, at + d + 2, at + d + 1);
        }
      }
    }
    return g;
  },
};

const rings = (segments: number) => Math.max(2, Math.floor(segments / 2));

/** A UV sphere of radius 0.5 resting on the ground; poles are fans, so no triangle is degenerate. */
export const sphere: Shape = {
  name: 'sphere',
  minDetail: 3,
  detailFor: (meshDetail) => meshDetail * 2,
  triangles: (s) => 2 * s * (rings(s) - 1),
  build(s, random, colours) {
    const g = geometry();
    const r = rings(s);
    const swirl = random() * 10;
    for (let j = 0; j <= r; j++) {
      const theta = (j / r) * Math.PI;
      for (let i = 0; i <= s; i++) {
        const phi = (i / s) * 2 * Math.PI;
        const n = [Math.sin(theta) * Math.cos(phi), Math.cos(theta), Math.sin(theta) * Math.sin(phi)];
        const band = 0.5 + 0.5 * Math.sin(theta * 6 + Math.sin(phi * 3 + swirl));
        g.vertex([n[0]! * 0.5, n[1]! * 0.5 + 0.5, n[2]! * 0.5], n, gradientAt(colours, 0.25 + 0.6 * band));
      }
    }
    for (let j = 0; j < r; j++) {
      for (let i = 0; i < s; i++) {
        const a = j * (s + 1) + i;
        const below = a + s + 1;
        if (j > 0) g.indices.push(a, a + 1, below + 1);
        if (j < r - 1) g.indices.push(a, below + 1, below);
      }
    }
    return g;
  },
};

/** A cylinder (radius 0.35, height 1) on the ground: `s` side segments, capped top and bottom. */
export const cylinder: Shape = {
  name: 'cylinder',
  minDetail: 3,
  detailFor: (meshDetail) => meshDetail * 2,
  triangles: (s) => 4 * s,
  build(s, random, colours) {
    const g = geometry();
    const [body, cap] = [gradientAt(colours, 0.3 + 0.3 * random()), gradientAt(colours, 0.75)];
    const rim = (i: number) => [Math.cos((i / s) * 2 * Math.PI), Math.sin((i / s) * 2 * Math.PI)] as const;
    for (let i = 0; i <= s; i++) {
      const [x, z] = rim(i);
      g.vertex([x * 0.35, 0, z * 0.35], [x, 0, z], body);
      g.vertex([x * 0.35, 1, z * 0.35], [x, 0, z], body);
    }
    for (let i = 0; i < s; i++) quad(g.indices, 2 * i, 2 * i + 1, 2 * i + 3, 2 * i + 2);
    for (const [y, ny] of [
      [1, 1],
      [0, -1],
    ] as const) {
      const centre = g.vertex([0, y, 0], [0, ny, 0], cap);
      for (let i = 0; i <= s; i++) {
        const [x, z] = rim(i);
        g.vertex([x * 0.35, y, z * 0.35], [0, ny, 0], cap);
      }
      for (let i = 0; i < s; i++) {
        if (ny > 0) g.indices.push(centre, centre + i + 2, centre + i + 1);
        else g.indices.push(centre, centre + i + 1, centre + i + 2);
      }
    }
    return g;
  },
};

/** A 10×10 heightfield (hills from fractal noise), `n`×`n` cells, coloured by height from low to high. */
export const terrain: Shape = {
  name: 'terrain',
  minDetail: 1,
  detailFor: (meshDetail) => meshDetail * 2,
  triangles: (n) => 2 * n * n,
  build(n, random, colours) {
    const g = geometry();
    const noise = fractalNoise(random, 4, 4);
    const height = (i: number, j: number) => (noise(i / n, j / n) - 0.3) * 3;
    const step = 10 / n;
    for (let j = 0; j <= n; j++) {
      for (let i = 0; i <= n; i++) {
        const dx = height(i + 1, j) - height(i - 1, j);
        const dz = height(i, j + 1) - height(i, j - 1);
        const normal = [-dx, 2 * step, -dz];
        const length = Math.hypot(...normal);
        const h = height(i, j);
        g.vertex([i * step - 5, h, j * step - 5], normal.map((c) => c / length), gradientAt(colours, 0.2 + h / 3));
      }
    }
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const at = j * (n + 1) + i;
        quad(g.indices, at, at + n + 1, at + n + 2, at + 1);
      }
    }
    return g;
  },
};
