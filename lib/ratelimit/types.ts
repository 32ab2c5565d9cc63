/** The outcome of one {@link RateLimiter.consume} call. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The rule's `points`. */
  limit: number;
  /** Points left in the current window (0 when denied). */
  remaining: number;
  /** epoch ms when the window resets */
  resetAt: number;
  /** ms to wait when denied (0 when allowed) */
  retryAfterMs: number;
}

/**
 * A rate-limit rule, passed per call. Counters belong to the rule: two rules with the same `name` but different
 * `points` or `durationMs` count separately, so changing a limit starts fresh windows.
 */
export interface RateLimitRule {
  /** namespace, e.g. 'api' or 'login-ip' */
  name: string;
  /** Points allowed per window: a positive integer. */
  points: number;
  /**
   * Window length in ms: a whole number of seconds (1000, 60_000, ...). rate-limiter-flexible's Redis limiter
   * works in whole seconds (a sub-second window would never expire there), so every backend accepts the same rules.
   */
  durationMs: number;
}

/** A fixed-window rate limiter over some store. Denials are decisions; a store failure rejects (callers pick fail-open/closed). */
export interface RateLimiter {
  readonly kind: 'memory' | 'redis' | 'upstash';
  /** consume `cost` (default 1) points for `key` under `rule` */
  consume(key: string, rule: RateLimitRule, cost?: number): Promise<RateLimitDecision>;
  close?(): Promise<void>;
}
