import { Redis } from 'ioredis';
import { createMemoryKv } from '../kv/memory.ts';
import { createRedisKv } from '../kv/redis.ts';
import type { Kv } from '../kv/types.ts';
import { createUpstashKv } from '../kv/upstash.ts';
import { startFakeUpstash } from './fake-upstash.ts';

export interface KvBackend {
  name: Kv['kind'];
  /** A fresh store with its own key prefix; its `close()` also deletes every key it wrote (and its fake server). */
  create: () => Promise<Kv>;
}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

type TestEnv = Record<string, string | undefined>;

/**
 * A fresh key/channel prefix (`test:<label>:<16 hex>:`), so parallel test files and tests never share keys.
 * @example const kv = createRedisKv(url, { keyPrefix: uniqueKvPrefix() });
 */
export function uniqueKvPrefix(label = 'kv'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `test:${label}:${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}:`;
}

/**
 * Deletes every key under `prefix` (SCAN + UNLINK) on the Redis at `redisUrl`.
 * @example await deleteKvPrefix('redis://127.0.0.1:6379', prefix);
 */
export async function deleteKvPrefix(redisUrl: string, prefix: string): Promise<void> {
  if (!/^[\w:.-]+$/.test(prefix)) throw new Error(`refusing to delete by an unusual prefix: ${prefix}`);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** `kv` whose `close()` first closes it, then runs `cleanup` (once). */
function withCleanup(kv: Kv, cleanup: () => Promise<void>): Kv {
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= kv.close().finally(cleanup);
    return closing;
  };
  return { ...kv, close };
}

/**
 * Every KV backend the test environment offers, for `describe.each`: memory always; Redis when `REDIS_URL` is set;
 * Upstash always, through a local fake Upstash REST front over the real Redis (`REDIS_URL` or 127.0.0.1:6379).
 * In CI (`CI=true`) a missing `REDIS_URL` is an error, so the Redis suite can't be skipped silently.
 * @example describe.each(kvBackends())('$name kv', ({ create }) => { ... });
 */
export function kvBackends(env: TestEnv = process.env): KvBackend[] {
  const redisUrl = env.REDIS_URL || undefined;
  if (env.CI === 'true' && !redisUrl) {
    throw new Error('CI must set REDIS_URL (e.g. redis://127.0.0.1:6379): the Redis and Upstash KV suites need a real Redis');
  }
  const backends: KvBackend[] = [{ name: 'memory', create: async () => createMemoryKv() }];

  if (redisUrl) {
    backends.push({
      name: 'redis',
      create: async () => {
        const prefix = uniqueKvPrefix('redis');
        const kv = withCleanup(createRedisKv(redisUrl, { keyPrefix: prefix }), () => deleteKvPrefix(redisUrl, prefix));
        await kv.ping().catch(async (err: unknown) => {
          await kv.close();
          throw err;
        });
        return kv;
      },
    });
  }

  const upstashRedisUrl = redisUrl ?? DEFAULT_REDIS_URL;
  backends.push({
    name: 'upstash',
    create: async () => {
      const prefix = uniqueKvPrefix('upstash');
      const fake = await startFakeUpstash({ redisUrl: upstashRedisUrl });
      const kv = createUpstashKv({ url: fake.url, token: fake.token, keyPrefix: prefix });
      return withCleanup(kv, async () => {
        await fake.close();
        await deleteKvPrefix(upstashRedisUrl, prefix);
      });
    },
  });
  return backends;
}
