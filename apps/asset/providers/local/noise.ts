import type { Random } from './random.ts';

/** A 2-D noise field over [0, 1)², values in [0, 1]; it wraps at the edges, which is what makes a texture tile. */
export type Field = (u: number, v: number) => number;

/**
 * Fractal (fBm) value noise: `octaves` layers of lattice noise, the first `basePeriod` cells a side (a power of two),
 * each next one twice as fine and half as strong. Every lattice wraps, so `field(0, v)` meets `field(1, v)` and
 * `field(u, 0)` meets `field(u, 1)` seamlessly.
 * @example const clouds = fractalNoise(seededRandom(seed, 'noise'), 4, 5); clouds(0.5, 0.5) // 0…1
 */
export function fractalNoise(random: Random, basePeriod: number, octaves: number): Field {
  const periods = Array.from({ length: octaves }, (_, k) => basePeriod * 2 ** k);
  const lattices = periods.map((period) => Float32Array.from({ length: period * period }, () => random()));
  const weights = periods.map((_, k) => 0.5 ** k);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return function fractal(u, v) {
    const fu = u - Math.floor(u);
    const fv = v - Math.floor(v);
    let sum = 0;
    for (let k = 0; k < octaves; k++) {
      const period = periods[k]!;
      const mask = period - 1;
      const lattice = lattices[k]!;
      const x = fu * period;
      const y = fv * period;
      const i = x | 0;
      const j = y | 0;
      const tx = x - i;
      const ty = y - j;
      const sx = tx * tx * (3 - 2 * tx);
      const sy = ty * ty * (3 - 2 * ty);
      const row = (j & mask) * period;
      const next = ((j + 1) & mask) * period;
      const i1 = (i + 1) & mask;
      const a = lattice[row + (i & mask)]!;
      const b = lattice[row + i1]!;
      const c = lattice[next + (i & mask)]!;
      const d = lattice[next + i1]!;
      const top = a + (b - a) * sx;
      sum += (top + (c + (d - c) * sx - top) * sy) * weights[k]!;
    }
    return sum / total;
  };
}
