export interface Backoff {
  /** The delay to wait now; the next one doubles, up to the cap. */
  next(): number;
  /** Back to the first delay (after a success). */
  reset(): void;
  /** Whether `next` has been called since the last reset (a retry happened). */
  readonly retried: boolean;
}

/**
 * Delays that double from `firstMs` up to `maxMs`: for reconnect and retry loops.
 * @example const delay = doublingBackoff(250, 10_000); setTimeout(attempt, delay.next()); // 250, 500, 1000 …
 */
export function doublingBackoff(firstMs: number, maxMs: number): Backoff {
  let current = firstMs;
  let retried = false;
  return {
    next() {
      const delay = current;
      current = Math.min(current * 2, maxMs);
      retried = true;
      return delay;
    },
    reset() {
      current = firstMs;
      retried = false;
    },
    get retried() {
      return retried;
    },
  };
}
