import type { Logger } from '../logging/logger.ts';
import { createMemoryRateLimiter } from './memory.ts';
import { createRedisRateLimiter } from './redis.ts';
import type { RateLimiter } from './types.ts';
import { createUpstashRateLimiter } from './upstash.ts';

export interface CreateRateLimiterOptions {
  /** `redis://` / `rediss://` URL: wins over everything else. */
  redisUrl?: string;
  /** Upstash REST credentials: used when there is no `redisUrl`. */
  upstash?: { url: string; token: string };
  /** Receives Redis connection loss / recovery lines. */
  logger?: Logger;
  /** Prepended to every key (Redis and Upstash; the in-memory limiter is private anyway). */
  keyPrefix?: string;
}

/**
 * Picks the rate limiter from configuration: Redis over TCP, else Upstash over HTTP, else in-memory
 * (per instance: N instances allow N times the limit).
 * @example const limiter = createRateLimiter({ redisUrl: config.redisUrl, upstash: config.upstash, logger });
 */
export function createRateLimiter(options: CreateRateLimiterOptions = {}): RateLimiter {
  const { redisUrl, upstash, logger, keyPrefix } = options;
  if (redisUrl) return createRedisRateLimiter(redisUrl, { logger, keyPrefix });
  if (upstash) return createUpstashRateLimiter({ ...upstash, keyPrefix });
  return createMemoryRateLimiter();
}
