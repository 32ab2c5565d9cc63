// Web-standard entries only (fetch; no `process`, no node: modules): runs unchanged on Node, Deno and edge runtimes.
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis/cloudflare';
import type { RateLimiter, RateLimitRule } from './types.ts';
import { checkConsume, errorMessage, ruleId, toDecision } from './validate.ts';

export interface UpstashRateLimiterOptions {
  /** The REST URL, e.g. `https://eu1-xyz.upstash.io`. */
  url: string;
  /** The REST token (sent as `Authorization: Bearer`). */
  token: string;
  /** Prepended to every key (then `rl:<rule name>:<points>:<durationMs>:<key>:<window>`). */
  keyPrefix?: string;
  /**
   * `'fixed-window'` (default: the same algorithm as the memory and Redis adapters) or `'sliding-window'`
   * (weights the previous window in, smoothing bursts at window edges).
   */
  algorithm?: 'fixed-window' | 'sliding-window';
  /** A `consume` with no answer by then rejects. Default 2000 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * A clear error from an @upstash/redis or @upstash/ratelimit failure. Upstash messages end with
 * `, command was: [...]` (the keys sent, i.e. client identifiers): that part is dropped and such errors are not kept.
 */
function failure(host: string, err: unknown): Error {
  const detail = errorMessage(err).replace(/,? command was: [\s\S]*$/, '');
  if (/WRONGPASS|invalid or missing auth token|unauthori[sz]ed/i.test(detail)) {
    return new Error(`rate limit check failed: Upstash at ${host} rejected the REST token (invalid or missing token)`);
  }
  const isUpstashError = err instanceof Error && err.name.startsWith('Upstash');
  const message = `rate limit check failed: Upstash at ${host}: ${detail}`;
  return isUpstashError ? new Error(message) : new Error(message, { cause: err });
}

/**
 * {@link RateLimiter} over Upstash's REST API with `@upstash/ratelimit` (one Lua script per call, atomic; fixed or
 * sliding window) and `@upstash/redis/cloudflare` (fetch only): no sockets, works on edge runtimes and Deno.
 * One `Ratelimit` per rule, created on first use, each with @upstash/ratelimit's in-process cache of identifiers
 * already denied in the current window (saves a request per denied call).
 *
 * Needs real Upstash (or a server accepting its scripts' `#!lua flags=allow-key-locking` shebang): Redis 7.0
 * rejects that flag, so don't point it at a plain Redis through a REST front. A timeout rejects (the library's
 * own default would silently allow).
 * @example const limiter = createUpstashRateLimiter({ url: config.upstash.url, token: config.upstash.token });
 */
export function createUpstashRateLimiter(options: UpstashRateLimiterOptions): RateLimiter {
  const keyPrefix = `${options.keyPrefix ?? ''}rl:`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const algorithm = options.algorithm ?? 'fixed-window';
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('createUpstashRateLimiter: timeoutMs must be a positive number');
  let host: string;
  try {
    host = new URL(options.url).host;
  } catch {
    throw new Error('createUpstashRateLimiter: url must be an absolute http(s) URL');
  }
  const redis = new Redis({
    url: options.url,
    token: options.token,
    enableTelemetry: false,
    // One quick retry at most: the whole call must fit in `timeoutMs`.
    retry: { retries: 1, backoff: () => 50 },
  });
  const limiters = new Map<string, Ratelimit>();
  let closed = false;

  const limiterFor = (rule: RateLimitRule): Ratelimit => {
    const id = ruleId(rule);
    let limiter = limiters.get(id);
    if (!limiter) {
      const window = `${rule.durationMs} ms` as const;
      limiter = new Ratelimit({
        redis,
        limiter: algorithm === 'sliding-window' ? Ratelimit.slidingWindow(rule.points, window) : Ratelimit.fixedWindow(rule.points, window),
        prefix: keyPrefix + id,
        timeout: timeoutMs,
        analytics: false,
        enableTelemetry: false,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  };

  return {
    kind: 'upstash',

    async consume(key, rule, cost = 1) {
      if (closed) throw new Error('RateLimiter is closed');
      checkConsume(key, rule, cost);
      let res: Awaited<ReturnType<Ratelimit['limit']>>;
      try {
        res = await limiterFor(rule).limit(key, { rate: cost });
      } catch (err) {
        throw failure(host, err);
      }
      // On timeout @upstash/ratelimit answers `success: true, reason: 'timeout'` (fail-open); callers decide here.
      if (res.reason === 'timeout') throw new Error(`rate limit check failed: Upstash at ${host}: no answer within ${timeoutMs} ms`);
      const now = Date.now();
      return toDecision(rule, { allowed: res.success, remaining: res.remaining, msBeforeReset: res.reset - now }, now);
    },

    async close() {
      closed = true;
      limiters.clear();
    },
  };
}
