import type { RedisOptions } from 'ioredis';

/**
 * Reconnect delays double from 50 ms up to this cap (plus jitter), forever, until the client is closed. Kept short
 * because revocations wait for it: the auth service re-sends an invalidation Redis missed once it is back, and
 * gateways trust their caches again only once resubscribed (docs/operations.md promises ≤ 1 s after Redis returns).
 */
const MAX_RECONNECT_DELAY_MS = 500;

/**
 * ioredis options for a client that fails fast while disconnected: no offline queue (a command issued while
 * reconnecting rejects at once), commands in flight when the socket drops rejected instead of held for a resend
 * (`maxRetriesPerRequest: 0`), a reply deadline, and reconnection that never gives up. Shared by the KV and the
 * rate limiter, so an outage looks the same to both.
 * @example new Redis(url, { ...failFastRedisOptions({ connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 }), connectionName: 'gaia-kv' });
 */
export function failFastRedisOptions(options: { connectTimeoutMs: number; commandTimeoutMs: number }): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: true,
    connectTimeout: options.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 10), MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 50),
  };
}

/**
 * `redis://host:port/db` without user or password: the only form of a Redis URL that may be logged.
 * @example describeRedisTarget('redis://:secret@cache:6380/2') // 'redis://cache:6380/2'
 */
export function describeRedisTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return '(unparseable redis url)';
  }
}
