import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiter, RateLimitRule } from './types.ts';
import { checkConsume, ruleId, toDecision } from './validate.ts';

/**
 * Releases every key of an in-memory limiter: each key holds a timer until its window ends, which Node unrefs
 * but other runtimes (Deno) would wait for.
 */
async function clearLimiter(limiter: RateLimiterMemory): Promise<void> {
  for (const { key } of limiter.dump().storage) await limiter.delete(key);
}

/**
 * In-process {@link RateLimiter} (rate-limiter-flexible `RateLimiterMemory`, fixed window): counters live in this
 * instance only, so N gateway instances allow N times the limit. The default for a single instance and for tests.
 * @example const limiter = createMemoryRateLimiter(); await limiter.consume(ip, { name: 'login-ip', points: 5, durationMs: 60_000 });
 */
export function createMemoryRateLimiter(): RateLimiter {
  const limiters = new Map<string, RateLimiterMemory>();
  let closed = false;

  const limiterFor = (rule: RateLimitRule): RateLimiterMemory => {
    const id = ruleId(rule);
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterMemory({ keyPrefix: id, points: rule.points, duration: rule.durationMs / 1000 });
      limiters.set(id, limiter);
    }
    return limiter;
  };

  return {
    kind: 'memory',

    async consume(key, rule, cost = 1) {
      if (closed) throw new Error('RateLimiter is closed');
      checkConsume(key, rule, cost);
      const limiter = limiterFor(rule);
      try {
        const res = await limiter.consume(key, cost);
        return toDecision(rule, { allowed: true, remaining: res.remainingPoints, msBeforeReset: res.msBeforeNext });
      } catch (err) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the limit is exceeded.
        if (!(err instanceof RateLimiterRes)) throw err;
        return toDecision(rule, { allowed: false, remaining: 0, msBeforeReset: err.msBeforeNext });
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...limiters.values()].map(clearLimiter));
      limiters.clear();
    },
  };
}
