import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { Kv, Unsubscribe } from './types.ts';
import { checkIncrBy, ttlOf } from './validate.ts';

export interface MemoryKvOptions {
  /** Receives errors thrown by subscribers' `onMessage`. */
  logger?: Logger;
  /** How often (at most) an operation also drops every expired key; reads always drop the key they touch. */
  sweepIntervalMs?: number;
  /** Clock in epoch ms; tests may inject one. */
  now?: () => number;
}

interface Entry {
  value: string;
  /** Epoch ms after which the entry is gone; `undefined` = no expiry. */
  expiresAt: number | undefined;
}

const NOT_INTEGER = 'ERR value is not an integer or out of range';


/**
 * In-process {@link Kv}: a Map with TTLs, atomic `incr` and in-process pub/sub. The embedded default for a
 * single instance. Expired keys are dropped lazily (on read, plus a periodic sweep piggy-backed on operations),
 * so it owns no timer and never keeps a process alive, in any runtime.
 * @example const kv = createMemoryKv(); await kv.set('session:1', JSON.stringify(s), { ttlMs: 60_000 });
 */
export function createMemoryKv(options: MemoryKvOptions = {}): Kv {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
  const entries = new Map<string, Entry>();
  const channels = new Map<string, Set<(message: string) => void>>();
  let lastSweep = now();
  let closed = false;

  const alive = (entry: Entry, at: number) => entry.expiresAt === undefined || entry.expiresAt > at;

  /** Every operation passes here: rejects after close and sweeps expired keys now and then. */
  const touch = (): number => {
    if (closed) throw new Error('Kv is closed');
    const at = now();
    if (at - lastSweep >= sweepIntervalMs) {
      lastSweep = at;
      for (const [key, entry] of entries) if (!alive(entry, at)) entries.delete(key);
    }
    return at;
  };

  const read = (key: string, at: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && !alive(entry, at)) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const deliver = (listener: (message: string) => void, message: string) => {
    try {
      listener(message);
    } catch (err) {
      logger.error('kv subscriber threw', { backend: 'memory', error: err instanceof Error ? err.message : String(err) });
    }
  };

  return {
    kind: 'memory',

    async get(key) {
      return read(key, touch())?.value ?? null;
    },

    async set(key, value, setOptions) {
      const at = touch();
      const ttl = ttlOf(setOptions);
      if (setOptions?.ifAbsent && read(key, at) !== undefined) return;
      entries.set(key, { value, expiresAt: ttl === undefined ? undefined : at + ttl });
    },

    async delete(key) {
      const existed = read(key, touch()) !== undefined;
      entries.delete(key);
      return existed;
    },

    async incr(key, by = 1, incrOptions) {
      const at = touch();
      const ttl = ttlOf(incrOptions);
      checkIncrBy(by);
      const entry = read(key, at);
      if (entry !== undefined && !/^-?\d+$/.test(entry.value)) throw new Error(NOT_INTEGER);
      const current = entry === undefined ? 0 : Number(entry.value);
      const next = current + by;
      if (!Number.isSafeInteger(current) || !Number.isSafeInteger(next)) throw new Error(NOT_INTEGER);
      // Like INCRBY: an existing key keeps its TTL; `ttlMs` only applies to a key this call creates.
      const expiresAt = entry ? entry.expiresAt : ttl === undefined ? undefined : at + ttl;
      entries.set(key, { value: String(next), expiresAt });
      return next;
    },

    async publish(channel, message) {
      touch();
      const listeners = channels.get(channel);
      if (!listeners) return;
      // Delivered after the publisher's turn (like a network hop), in publish order; a listener removed
      // in the meantime gets nothing.
      for (const listener of [...listeners]) {
        queueMicrotask(() => {
          if (!closed && listeners.has(listener)) deliver(listener, message);
        });
      }
    },

    // In process, a subscription is never interrupted: `options` has nothing to be told.
    async subscribe(channel, onMessage): Promise<Unsubscribe> {
      touch();
      const listener = (message: string) => onMessage(message);
      let listeners = channels.get(channel);
      if (!listeners) {
        listeners = new Set();
        channels.set(channel, listeners);
      }
      listeners.add(listener);
      return async () => {
        const current = channels.get(channel);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) channels.delete(channel);
      };
    },

    async ping() {
      touch();
    },

    async close() {
      closed = true;
      entries.clear();
      channels.clear();
    },
  };
}
