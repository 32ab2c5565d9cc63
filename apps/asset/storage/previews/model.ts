import { type Node, type Primitive, WebIO } from '@gltf-transform/core';
import { blankImage, downscale, encodePng, type Rgba } from './raster.ts';

/** Models with more triangles than this get no preview (the software renderer would take too long). */
export const MAX_PREVIEW_TRIANGLES = 1_000_000;
const TRIANGLES = 4;
const TRIANGLE_STRIP = 5;
const TRIANGLE_FAN = 6;
/** Rendered at twice the size, then area-averaged down: smooth edges. */
const SUPERSAMPLE = 2;
const DEFAULT_COLOUR: [number, number, number] = [0.6, 0.66, 0.76];
/** A light from the upper left, towards the viewer. */
const LIGHT = normalise([-0.45, 0.75, 0.5]);

type Vec3 = [number, number, number];
interface Triangle {
  points: [Vec3, Vec3, Vec3];
  colour: Vec3;
}

function normalise(v: number[]): Vec3 {
  const length = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
  return [v[0]! / length, v[1]! / length, v[2]! / length];
}

/** The GLB's JSON chunk, to check what it needs before handing it to the parser. */
function glbJson(bytes: Uint8Array): { extensionsRequired?: string[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 20 || view.getUint32(0, true) !== 0x46546c67) throw new Error('not a GLB file (no glTF magic)');
  if (view.getUint32(4, true) !== 2) throw new Error(`the GLB is glTF ${view.getUint32(4, true)}, not glTF 2`);
  const length = view.getUint32(12, true);
  if (view.getUint32(16, true) !== 0x4e4f534a || 20 + length > bytes.byteLength) throw new Error('the GLB has no JSON chunk');
  try {
    return JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + length))) as { extensionsRequired?: string[] };
  } catch {
    throw new Error('the GLB JSON chunk is not JSON');
  }
}

/** World-space positions of `primitive`'s vertices under `node`. */
function worldPositions(node: Node, primitive: Primitive): Vec3[] {
  const position = primitive.getAttribute('POSITION');
  if (!position) return [];
  const m = node.getWorldMatrix();
  const v = [0, 0, 0];
  return Array.from({ length: position.getCount() }, (_, i) => {
    position.getElement(i, v);
    const [x, y, z] = v as Vec3;
    return [m[0] * x + m[4] * y + m[8] * z + m[12], m[1] * x + m[5] * y + m[9] * z + m[13], m[2] * x + m[6] * y + m[10] * z + m[14]] as Vec3;
  });
}

/** Vertex indices of `primitive`'s triangles (lists, strips and fans), or none for points and lines. */
function triangleIndices(primitive: Primitive, vertexCount: number): number[] {
  const accessor = primitive.getIndices();
  const array = accessor?.getArray();
  const order: number[] = array ? Array.from(array, Number) : Array.from({ length: vertexCount }, (_, i) => i);
  const mode = primitive.getMode();
  if (mode === TRIANGLES) return order.slice(0, order.length - (order.length % 3));
  const out: number[] = [];
  for (let i = 2; i < order.length; i++) {
    if (mode === TRIANGLE_STRIP) out.push(...(i % 2 === 0 ? [order[i - 2]!, order[i - 1]!, order[i]!] : [order[i - 1]!, order[i - 2]!, order[i]!]));
    else if (mode === TRIANGLE_FAN) out.push(order[0]!, order[i - 1]!, order[i]!);
  }
  return out;
}

/** The base colour of `primitive`'s material in sRGB (glTF factors are linear), or a neutral blue-grey. */
function colourOf(primitive: Primitive): Vec3 {
  const factor = primitive.getMaterial()?.getBaseColorFactor();
  if (!factor) return DEFAULT_COLOUR;
  return [factor[0], factor[1], factor[2]].map((c) => Math.min(1, Math.max(0, c)) ** (1 / 2.2)) as Vec3;
}

/** Every triangle of the default scene in world space, or `null` past {@link MAX_PREVIEW_TRIANGLES}. */
async function sceneTriangles(bytes: Uint8Array): Promise<Triangle[] | null> {
  const document = await new WebIO().readBinary(bytes);
  const root = document.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const triangles: Triangle[] = [];
  let tooMany = false;
  scene?.traverse((node) => {
    for (const primitive of node.getMesh()?.listPrimitives() ?? []) {
      if (tooMany) return;
      const points = worldPositions(node, primitive);
      const indices = triangleIndices(primitive, points.length);
      if (triangles.length + indices.length / 3 > MAX_PREVIEW_TRIANGLES) {
        tooMany = true;
        return;
      }
      const colour = colourOf(primitive);
      for (let i = 0; i + 2 < indices.length; i += 3) {
        const [a, b, c] = [points[indices[i]!], points[indices[i + 1]!], points[indices[i + 2]!]];
        if (a && b && c) triangles.push({ points: [a, b, c], colour });
      }
    }
  });
  return tooMany ? null : triangles;
}

/** A three-quarter view: turned 45° about the vertical axis, tilted 30° towards the viewer (x right, y up, z out). */
function view([x, y, z]: Vec3): Vec3 {
  const yaw = Math.PI / 4;
  const pitch = Math.PI / 6;
  const x1 = x * Math.cos(yaw) - z * Math.sin(yaw);
  const z1 = x * Math.sin(yaw) + z * Math.cos(yaw);
  return [x1, y * Math.cos(pitch) + z1 * Math.sin(pitch), -y * Math.sin(pitch) + z1 * Math.cos(pitch)];
}

/** Flat-shaded, depth-tested rasterisation of `triangles` (already in view space) fitted into `size` × `size`. */
function rasterise(triangles: Triangle[], size: number): Rgba | null {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { points } of triangles) {
    for (const [x, y] of points) {
      [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
    }
  }
  const extent = Math.max(maxX - minX, maxY - minY);
  if (!(extent > 1e-12)) return null;
  const margin = size * 0.08;
  const scale = (size - 2 * margin) / extent;
  const toScreen = ([x, y, z]: Vec3): Vec3 => [size / 2 + (x - (minX + maxX) / 2) * scale, size / 2 - (y - (minY + maxY) / 2) * scale, z];
  const image = blankImage(size, size);
  const depth = new Float64Array(size * size).fill(-Infinity);
  for (const { points, colour } of triangles) {
    const [a, b, c] = points.map(toScreen) as [Vec3, Vec3, Vec3];
    const area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if (Math.abs(area) < 1e-12) continue;
    const [p, q, r] = points;
    const normal = normalise([
      (q[1] - p[1]) * (r[2] - p[2]) - (q[2] - p[2]) * (r[1] - p[1]),
      (q[2] - p[2]) * (r[0] - p[0]) - (q[0] - p[0]) * (r[2] - p[2]),
      (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]),
    ]);
    const light = 0.3 + 0.7 * Math.abs(normal[0] * LIGHT[0] + normal[1] * LIGHT[1] + normal[2] * LIGHT[2]);
    const rgb = colour.map((ch) => Math.round(Math.min(1, ch * light) * 255));
    const [x0, x1] = [Math.max(0, Math.floor(Math.min(a[0], b[0], c[0]))), Math.min(size - 1, Math.ceil(Math.max(a[0], b[0], c[0])))];
    const [y0, y1] = [Math.max(0, Math.floor(Math.min(a[1], b[1], c[1]))), Math.min(size - 1, Math.ceil(Math.max(a[1], b[1], c[1])))];
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const [px, py] = [x + 0.5, y + 0.5];
        const wa = ((b[0] - px) * (c[1] - py) - (b[1] - py) * (c[0] - px)) / area;
        const wb = ((c[0] - px) * (a[1] - py) - (c[1] - py) * (a[0] - px)) / area;
        const wc = 1 - wa - wb;
        if (wa < 0 || wb < 0 || wc < 0) continue;
        const z = wa * a[2] + wb * b[2] + wc * c[2];
        const at = y * size + x;
        if (z <= depth[at]!) continue;
        depth[at] = z;
        image.data[at * 4] = rgb[0]!;
        image.data[at * 4 + 1] = rgb[1]!;
        image.data[at * 4 + 2] = rgb[2]!;
        image.data[at * 4 + 3] = 255;
      }
    }
  }
  return image;
}

/**
 * A rendered-looking PNG of a GLB model, `size` × `size`: the default scene's triangles (node transforms applied,
 * each primitive in its material's base colour) seen from a three-quarter view, flat-shaded by one light, depth
 * tested, anti-aliased by supersampling, on a transparent background. `null` when the model has no triangles,
 * needs an extension (Draco, meshopt, quantisation), or has more than {@link MAX_PREVIEW_TRIANGLES}; throws when
 * `bytes` are not a readable GLB.
 * @example const png = await modelPreviewPng(glb, 256);
 */
export async function modelPreviewPng(bytes: Uint8Array, size = 256): Promise<Uint8Array | null> {
  if (glbJson(bytes).extensionsRequired?.length) return null;
  let triangles: Triangle[] | null;
  try {
    triangles = await sceneTriangles(bytes);
  } catch (err) {
    throw new Error(`the GLB could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!triangles?.length) return null;
  const viewed = triangles.map(({ points, colour }) => ({ points: points.map(view) as Triangle['points'], colour }));
  const large = rasterise(viewed, size * SUPERSAMPLE);
  return large && encodePng(downscale(large, size, size));
}
