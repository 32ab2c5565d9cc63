// The web-standard entry (fetch, atob, TextDecoder only; no `process`, no node: modules): runs unchanged on
// Node, Deno, Bun and edge runtimes.
import { Redis } from '@upstash/redis/cloudflare';
import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { Kv, Unsubscribe } from './types.ts';
import { checkIncrBy, ttlOf } from './validate.ts';
import { openUpstashSubscription } from './upstash-subscription.ts';

export interface UpstashKvOptions {
  /** The REST URL, e.g. `https://eu1-xyz.upstash.io`. */
  url: string;
  /** The REST token (sent as `Authorization: Bearer`). */
  token: string;
  /** Prepended to every key and channel. */
  keyPrefix?: string;
  /** Receives subscription stream errors and subscribers' exceptions. */
  logger?: Logger;
  /** How long `subscribe` waits for the server to confirm the subscription. Default 10 s. */
  subscribeTimeoutMs?: number;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** What one command may take, retries included, as the Redis adapter's `commandTimeout`. */
const COMMAND_TIMEOUT_MS = 5_000;


/**
 * Turns @upstash/redis errors into clear ones. Its messages end with `, command was: [...]`, which carries the
 * keys and values sent: that part is dropped, and such an error is not kept as `cause` either.
 */
function failure(op: string, host: string, err: unknown): Error {
  if (err instanceof RangeError) return err; // invalid arguments, rejected before sending
  const raw = errorMessage(err);
  const isUpstashError = err instanceof Error && err.name.startsWith('Upstash');
  const detail = raw.replace(/,? command was: [\s\S]*$/, '');
  if (/WRONGPASS|invalid or missing auth token|unauthori[sz]ed/i.test(detail)) {
    return new Error(`kv ${op} failed: Upstash at ${host} rejected the REST token (invalid or missing token)`);
  }
  const message = `kv ${op} failed: Upstash at ${host}: ${detail}`;
  return isUpstashError ? new Error(message) : new Error(message, { cause: err });
}

/**
 * {@link Kv} over Upstash's HTTP REST API (@upstash/redis): no sockets to manage, works on edge runtimes.
 * `subscribe` uses Upstash's SSE endpoint (`POST /subscribe/<channel>`), one stream per subscription, re-established
 * when it ends or fails (see `openUpstashSubscription`). Messages must not contain raw newlines (JSON never does).
 * @example const kv = createUpstashKv({ url: config.upstashUrl, token: config.upstashToken });
 */
export function createUpstashKv(options: UpstashKvOptions): Kv {
  const logger = options.logger ?? silentLogger;
  const prefix = options.keyPrefix ?? '';
  const subscribeTimeoutMs = options.subscribeTimeoutMs ?? 10_000;
  let host: string;
  try {
    host = new URL(options.url).host;
  } catch {
    throw new Error('createUpstashKv: url must be an absolute http(s) URL');
  }
  const redis = new Redis({
    url: options.url,
    token: options.token,
    // Fail fast like the Redis adapter: one quick retry, and no command waits on a hung connection past 5 s.
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(COMMAND_TIMEOUT_MS),
    // Values are opaque strings: never JSON.parse them ("42" must stay "42").
    automaticDeserialization: false,
    enableTelemetry: false,
  });
  const unsubscribers = new Set<() => Promise<void>>();
  let closed = false;

  const run = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new Error('Kv is closed');
    try {
      return await fn();
    } catch (err) {
      throw failure(op, host, err);
    }
  };


  return {
    kind: 'upstash',

    get: (key) => run('get', async () => (await redis.get<string>(prefix + key)) ?? null),

    set: (key, value, setOptions) =>
      run('set', async () => {
        const ttl = ttlOf(setOptions);
        const nx = setOptions?.ifAbsent === true;
        if (ttl === undefined) await redis.set(prefix + key, value, nx ? { nx } : undefined);
        else await redis.set(prefix + key, value, nx ? { px: ttl, nx } : { px: ttl });
      }),

    delete: (key) => run('delete', async () => (await redis.del(prefix + key)) > 0),

    incr: (key, by = 1, incrOptions) =>
      run('incr', async () => {
        checkIncrBy(by);
        const ttl = ttlOf(incrOptions);
        if (ttl === undefined) return Number(await redis.incrby(prefix + key, by));
        // One /multi-exec request: create the key at 0 with its TTL only if absent, then add.
        const [, value] = await redis
          .multi()
          .set(prefix + key, '0', { nx: true, px: ttl })
          .incrby(prefix + key, by)
          .exec<[unknown, number]>();
        return Number(value);
      }),

    publish: (channel, message) =>
      run('publish', async () => {
        await redis.publish(prefix + channel, message);
      }),

    async subscribe(channel, onMessage, subscribeOptions = {}): Promise<Unsubscribe> {
      if (closed) throw new Error('Kv is closed');
      const subscription = openUpstashSubscription({
        ...subscribeOptions,
        url: options.url,
        token: options.token,
        channel: prefix + channel,
        onMessage,
        logger,
        confirmTimeoutMs: subscribeTimeoutMs,
      });
      await subscription.ready.catch((err: unknown) => {
        throw new Error(`${errorMessage(err)} (at ${host})`);
      });
      let active = true;
      const unsubscribe = async () => {
        if (!active) return;
        active = false;
        unsubscribers.delete(unsubscribe);
        // Aborts the SSE request: the server drops the Redis subscription with it.
        subscription.close();
      };
      unsubscribers.add(unsubscribe);
      return unsubscribe;
    },

    ping: () =>
      run('ping', async () => {
        await redis.ping();
      }),

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...unsubscribers].map((unsubscribe) => unsubscribe()));
    },
  };
}
