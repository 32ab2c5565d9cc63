import { Redis, } from 'ioredis';
import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { Kv, SubscribeOptions, Unsubscribe } from './types.ts';
import { checkIncrBy, ttlOf } from './validate.ts';
import { describeRedisTarget, failFastRedisOptions } from './redis-connection.ts';

export interface RedisKvOptions {
  /** Receives connection loss / recovery lines and subscriber errors. The URL's credentials are never logged. */
  logger?: Logger;
  /** Prepended to every key and channel (e.g. `gaia:` or a per-test-run prefix). */
  keyPrefix?: string;
}

const CONNECTION_OPTIONS = failFastRedisOptions({ connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 });

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));


interface Listener {
  onMessage: (message: string) => void;
  options: SubscribeOptions;
  /** Told `onInterrupt` and not yet `onResume`. */
  interrupted: boolean;
}

interface Watched {
  conn: Redis;
  /** Settles after the first connection attempt either way, so start-up calls wait for it instead of failing. */
  firstAttempt: Promise<void>;
}

/** Logs each loss / recovery once (not every retry) and tracks the first connection attempt. */
function watch(conn: Redis, role: 'commands' | 'subscriber', logger: Logger, target: string, isClosing: () => boolean): Watched {
  let up = false;
  let everUp = false;
  let downLogged = false;
  let lastError: string | undefined;
  const fields = () => ({ role, target, ...(lastError ? { error: lastError } : {}) });

  const firstAttempt = new Promise<void>((resolve) => {
    conn.once('ready', () => resolve());
    conn.once('close', () => resolve());
    conn.once('end', () => resolve());
  });

  conn.on('error', (err: Error) => {
    lastError = err.message;
    logger.debug('redis connection error', fields());
  });
  conn.on('ready', () => {
    if (everUp || downLogged) logger.info('redis connection recovered', { role, target });
    else logger.debug('redis connected', { role, target });
    up = true;
    everUp = true;
    downLogged = false;
    lastError = undefined;
  });
  conn.on('close', () => {
    if (isClosing()) return;
    if (up) logger.warn('redis connection lost, reconnecting', fields());
    else if (!downLogged) logger.warn('redis unavailable, retrying', fields());
    up = false;
    downLogged = true;
  });
  conn.on('reconnecting', (delayMs: number) => logger.debug('redis reconnecting', { role, target, delayMs }));
  return { conn, firstAttempt };
}

/** Errors name the operation and, when that is the cause, say the connection is down (ioredis' wording in `cause`). */
function failure(op: string, conn: Redis, err: unknown): Error {
  if (err instanceof RangeError) return err; // invalid arguments, rejected before sending
  const reason = conn.status === 'ready' ? errorMessage(err) : `Redis is not connected (${conn.status})`;
  return new Error(`kv ${op} failed: ${reason}`, { cause: err });
}

async function shutdown(conn: Redis): Promise<void> {
  if (conn.status === 'ready') {
    try {
      await conn.quit();
      return;
    } catch {
      // fall through: drop the socket instead
    }
  }
  conn.disconnect();
}

/**
 * {@link Kv} over Redis (ioredis). Fails fast while disconnected and reconnects in the background with capped
 * backoff, so a readiness probe on `ping()` flips to failing and back without recreating the client.
 * Pub/sub uses a second connection, opened on the first `subscribe` and resubscribed after every reconnect.
 * @example const kv = createRedisKv('redis://127.0.0.1:6379', { logger, keyPrefix: 'gaia:' });
 */
export function createRedisKv(url: string, options: RedisKvOptions = {}): Kv {
  const logger = options.logger ?? silentLogger;
  const prefix = options.keyPrefix ?? '';
  const target = describeRedisTarget(url);
  let closed = false;
  const isClosing = () => closed;

  const main = watch(new Redis(url, { ...CONNECTION_OPTIONS, connectionName: 'gaia-kv' }), 'commands', logger, target, isClosing);
  const client = main.conn;

  /** Channel (prefixed) to its listeners. */
  const listeners = new Map<string, Set<Listener>>();
  let sub: Watched | undefined;

  const tell = (listener: Listener, event: 'onInterrupt' | 'onResume') => {
    listener.interrupted = event === 'onInterrupt';
    try {
      listener.options[event]?.();
    } catch (err) {
      logger.error('kv subscriber threw', { backend: 'redis', event, error: errorMessage(err) });
    }
  };

  const subscriber = (): Watched => {
    if (sub) return sub;
    const conn = client.duplicate({ connectionName: 'gaia-kv-sub', autoResubscribe: false });
    sub = watch(conn, 'subscriber', logger, target, isClosing);
    conn.on('message', (channel: string, message: string) => {
      const set = listeners.get(channel);
      if (!set) return;
      for (const listener of [...set]) {
        if (!set.has(listener)) continue;
        try {
          listener.onMessage(message);
        } catch (err) {
          logger.error('kv subscriber threw', { backend: 'redis', error: errorMessage(err) });
        }
      }
    });
    conn.on('close', () => {
      if (closed) return;
      for (const set of listeners.values()) for (const listener of set) if (!listener.interrupted) tell(listener, 'onInterrupt');
    });
    // After a reconnect the connection has no subscriptions (autoResubscribe is off): subscribe again to every
    // channel somebody listens to, then tell those listeners that delivery resumed.
    conn.on('ready', () => {
      const channels = [...listeners.keys()];
      if (channels.length === 0) return;
      conn.subscribe(...channels).then(
        () => {
          if (closed || conn.status !== 'ready') return;
          for (const channel of channels) {
            for (const listener of listeners.get(channel) ?? []) if (listener.interrupted) tell(listener, 'onResume');
          }
        },
        (err: unknown) => {
          logger.warn('redis resubscribe failed; reconnecting to try again', { error: errorMessage(err) });
          if (!closed) conn.disconnect(true);
        },
      );
    });
    return sub;
  };

  const run = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new Error('Kv is closed');
    await main.firstAttempt;
    try {
      return await fn();
    } catch (err) {
      throw failure(op, client, err);
    }
  };


  const release = async (channel: string, listener: Listener) => {
    const set = listeners.get(channel);
    if (!set?.delete(listener) || set.size > 0) return;
    listeners.delete(channel);
    if (closed || !sub) return;
    try {
      await sub.conn.unsubscribe(channel);
    } catch (err) {
      // The connection is down: the next one subscribes only to channels with listeners.
      logger.debug('redis unsubscribe failed', { channel, error: errorMessage(err) });
    }
  };

  return {
    kind: 'redis',

    get: (key) => run('get', () => client.get(prefix + key)),

    set: (key, value, setOptions) =>
      run('set', async () => {
        const ttl = ttlOf(setOptions);
        const nx = setOptions?.ifAbsent === true;
        if (ttl === undefined) await (nx ? client.set(prefix + key, value, 'NX') : client.set(prefix + key, value));
        else await (nx ? client.set(prefix + key, value, 'PX', ttl, 'NX') : client.set(prefix + key, value, 'PX', ttl));
      }),

    delete: (key) => run('delete', async () => (await client.del(prefix + key)) > 0),

    incr: (key, by = 1, incrOptions) =>
      run('incr', async () => {
        checkIncrBy(by);
        const ttl = ttlOf(incrOptions);
        if (ttl === undefined) return client.incrby(prefix + key, by);
        // One MULTI: create the key at 0 with its TTL only if absent, then add; INCRBY keeps the TTL.
        const results = await client
          .multi()
          .set(prefix + key, '0', 'PX', ttl, 'NX')
          .incrby(prefix + key, by)
          .exec();
        if (!results) throw new Error('transaction aborted');
        for (const [err] of results) if (err) throw err;
        return Number(results[1]?.[1]);
      }),

    publish: (channel, message) =>
      run('publish', async () => {
        await client.publish(prefix + channel, message);
      }),

    async subscribe(channel, onMessage, options = {}): Promise<Unsubscribe> {
      if (closed) throw new Error('Kv is closed');
      const { conn, firstAttempt } = subscriber();
      await firstAttempt;
      const name = prefix + channel;
      const listener: Listener = { onMessage, options, interrupted: false };
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(listener);
      try {
        // Idempotent on the server; awaiting it means the subscription is active when we resolve.
        await conn.subscribe(name);
      } catch (err) {
        await release(name, listener);
        throw failure('subscribe', conn, err);
      }
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        await release(name, listener);
      };
    },

    ping: () =>
      run('ping', async () => {
        await client.ping();
      }),

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await Promise.all([shutdown(client), sub ? shutdown(sub.conn) : undefined]);
    },
  };
}
