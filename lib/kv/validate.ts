import type { SetOptions } from './types.ts';

/**
 * The TTL in whole milliseconds, checked as Redis would before anything is sent (so a bad `incr` never
 * half-applies): a positive number of ms, fractions rounded up (PX has none).
 */
export function ttlOf(options: SetOptions | undefined): number | undefined {
  const ms = options?.ttlMs;
  if (ms === undefined) return undefined;
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ms}`);
  return Math.ceil(ms);
}

/** `incr`'s step must be a safe integer. */
export function checkIncrBy(by: number): void {
  if (!Number.isSafeInteger(by)) throw new RangeError(`incr: by must be a safe integer, got ${by}`);
}
