/** Money is kept in integer micro-dollars: exact sums, exact budget comparisons. */
export const MICROS_PER_USD = 1_000_000;

/**
 * USD (a float from a price table or a request) as whole micro-dollars.
 * @example toMicros(0.04) // 40000
 */
export const toMicros = (usd: number): number => Math.round(usd * MICROS_PER_USD);

/**
 * Micro-dollars as USD, for JSON.
 * @example toUsd(40_000) // 0.04
 */
export const toUsd = (micros: number): number => micros / MICROS_PER_USD;
