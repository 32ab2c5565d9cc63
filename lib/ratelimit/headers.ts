import type { RateLimitDecision } from './types.ts';

/**
 * The IETF draft rate-limit headers for a decision: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
 * (whole seconds until the window resets, ≥ 0) and, when denied, `Retry-After` (whole seconds, ≥ 1).
 * @example
 * const decision = await limiter.consume(ip, rule);
 * for (const [name, value] of Object.entries(rateLimitHeaders(decision))) c.header(name, value);
 */
export function rateLimitHeaders(decision: RateLimitDecision, now: number = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(Math.max(0, decision.remaining)),
    'RateLimit-Reset': String(Math.max(0, Math.ceil((decision.resetAt - now) / 1000))),
  };
  if (!decision.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
  return headers;
}
