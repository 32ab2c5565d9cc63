import { createHash } from 'node:crypto';

/** A seeded source of numbers in [0, 1), the same sequence for the same seed on every machine. */
export type Random = () => number;

/**
 * A deterministic generator (sfc32) for `seed` and `stream`: each purpose (palette, melody, terrain…) gets its own
 * stream, so drawing more numbers for one never shifts another.
 * @example const random = seededRandom(request.seed, 'palette'); const hue = random() * 360;
 */
export function seededRandom(seed: string, stream: string): Random {
  const digest = createHash('sha256').update(`${stream}\u0000${seed}`).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return function next() {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export const randomInt = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/** One of `items`. */
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
