import type { Logger } from '../logging/logger.ts';
import { createMemoryKv } from './memory.ts';
import { createRedisKv } from './redis.ts';
import type { Kv } from './types.ts';
import { createUpstashKv } from './upstash.ts';

export interface CreateKvOptions {
  /** `redis://` / `rediss://` URL: wins over everything else. */
  redisUrl?: string;
  /** Upstash REST credentials: used when there is no `redisUrl`. */
  upstash?: { url: string; token: string };
  logger?: Logger;
  /** Prepended to every key and channel (Redis and Upstash; the in-memory store is private anyway). */
  keyPrefix?: string;
}

/**
 * Picks the KV adapter from configuration: Redis over TCP, else Upstash over HTTP, else in-memory (single instance).
 * @example const kv = createKv({ redisUrl: config.redisUrl, upstash: config.upstash, logger });
 */
export function createKv(options: CreateKvOptions = {}): Kv {
  const { redisUrl, upstash, logger, keyPrefix } = options;
  if (redisUrl) return createRedisKv(redisUrl, { logger, keyPrefix });
  if (upstash) return createUpstashKv({ ...upstash, logger, keyPrefix });
  return createMemoryKv({ logger });
}
