import type { RateLimitDecision, RateLimitRule } from './types.ts';

/**
 * Rejects a malformed rule, key or cost before any store is touched (RangeError, naming the rule).
 * @example checkConsume('user:1', { name: 'api', points: 100, durationMs: 60_000 }, 1);
 */
export function checkConsume(key: string, rule: RateLimitRule, cost: number): void {
  const what = `rate limit rule "${rule.name}"`;
  if (typeof rule.name !== 'string' || rule.name.length === 0) throw new RangeError('rate limit rule name must be a non-empty string');
  if (!Number.isSafeInteger(rule.points) || rule.points < 1) throw new RangeError(`${what}: points must be a positive integer, got ${rule.points}`);
  if (!Number.isSafeInteger(rule.durationMs) || rule.durationMs < 1000 || rule.durationMs % 1000 !== 0) {
    throw new RangeError(`${what}: durationMs must be a whole number of seconds (a multiple of 1000), got ${rule.durationMs}`);
  }
  if (typeof key !== 'string' || key.length === 0) throw new RangeError(`${what}: key must be a non-empty string`);
  if (!Number.isSafeInteger(cost) || cost < 1) throw new RangeError(`${what}: cost must be a positive integer, got ${cost}`);
}

/**
 * The identity of a rule's counters: adapters cache one library limiter per id and use it in storage keys.
 * @example ruleId({ name: 'api', points: 100, durationMs: 60_000 }) // 'api:100:60000'
 */
export function ruleId(rule: RateLimitRule): string {
  return `${rule.name}:${rule.points}:${rule.durationMs}`;
}

/**
 * Builds a decision from what every library reports: points left and ms until the window resets.
 * @example toDecision(rule, { allowed: true, remaining: 99, msBeforeReset: 60_000 });
 */
export function toDecision(
  rule: RateLimitRule,
  result: { allowed: boolean; remaining: number; msBeforeReset: number },
  now: number = Date.now(),
): RateLimitDecision {
  const msBeforeReset = Math.max(0, Math.ceil(result.msBeforeReset));
  return {
    allowed: result.allowed,
    limit: rule.points,
    remaining: result.allowed ? Math.max(0, Math.min(rule.points, result.remaining)) : 0,
    resetAt: now + msBeforeReset,
    retryAfterMs: result.allowed ? 0 : Math.max(1, msBeforeReset),
  };
}

/**
 * The message of anything thrown.
 * @example errorMessage(new Error('boom')) // 'boom'
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
