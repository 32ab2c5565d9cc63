import { Redis, } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { RateLimiter, RateLimitRule } from './types.ts';
import { checkConsume, errorMessage, ruleId, toDecision } from './validate.ts';
import { describeRedisTarget, failFastRedisOptions } from '../kv/redis-connection.ts';

export interface RedisRateLimiterOptions {
  /** Prepended to every key (then `rl:<rule name>:<points>:<durationMs>:<key>`). */
  keyPrefix?: string;
  /** Receives connection loss / recovery lines (own client only). The URL's credentials are never logged. */
  logger?: Logger;
  /**
   * `'memory'`: while Redis fails, enforce each rule per process with rate-limiter-flexible's in-memory
   * `insuranceLimiter` instead of rejecting. Default: none, `consume` rejects and the caller decides.
   */
  insurance?: 'memory';
  /** A `consume` with no answer by then rejects (or uses the insurance). Default 1000 ms. */
  timeoutMs?: number;
}

export type RedisRateLimiterTarget = string | { client: Redis };

const DEFAULT_TIMEOUT_MS = 1_000;
const CONNECTION_OPTIONS = failFastRedisOptions({ connectTimeoutMs: 2_000, commandTimeoutMs: DEFAULT_TIMEOUT_MS });


/** Resolves once a client that is still connecting has either connected or failed its attempt. */
function firstAttempt(conn: Redis): Promise<void> {
  if (conn.status !== 'connecting' && conn.status !== 'connect') return Promise.resolve();
  return new Promise<void>((resolve) => {
    conn.once('ready', () => resolve());
    conn.once('close', () => resolve());
    conn.once('end', () => resolve());
  });
}

/** Logs each loss and recovery of the client once (not every retry). */
function watch(conn: Redis, logger: Logger, target: string, isClosing: () => boolean): void {
  let up = false;
  let downLogged = false;
  let lastError: string | undefined;
  conn.on('error', (err: Error) => {
    lastError = err.message;
    logger.debug('ratelimit redis connection error', { target, error: err.message });
  });
  conn.on('ready', () => {
    if (downLogged) logger.info('ratelimit redis connection recovered', { target });
    up = true;
    downLogged = false;
    lastError = undefined;
  });
  conn.on('close', () => {
    if (isClosing() || downLogged) return;
    logger.warn(up ? 'ratelimit redis connection lost, reconnecting' : 'ratelimit redis unavailable, retrying', {
      target,
      ...(lastError ? { error: lastError } : {}),
    });
    up = false;
    downLogged = true;
  });
}

/** Waits for `promise`, but no longer than `ms` (its timer is cleared either way). */
async function atMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * {@link RateLimiter} over Redis with rate-limiter-flexible's `RateLimiterRedis` (fixed window; one Lua script
 * per call: `SET NX EX` + `INCRBY` + `PTTL`, atomic across processes, runs on Redis 6/7.0+), wrapped in
 * `RLWrapperTimeouts` so no call outlives `timeoutMs`. One library limiter per rule, created on first use.
 *
 * Given a URL it owns an ioredis client that fails fast while Redis is down (no offline queue) and reconnects in
 * the background; `close()` quits it. Given `{ client }` it uses that client and leaves it open on `close()`;
 * calls reject at once while that client is not ready.
 * @example const limiter = createRedisRateLimiter('redis://127.0.0.1:6379', { keyPrefix: 'gaia:', logger });
 */
export function createRedisRateLimiter(target: RedisRateLimiterTarget, options: RedisRateLimiterOptions = {}): RateLimiter {
  const logger = options.logger ?? silentLogger;
  const keyPrefix = `${options.keyPrefix ?? ''}rl:`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('createRedisRateLimiter: timeoutMs must be a positive number');
  let closed = false;

  const owned = typeof target === 'string';
  const where = owned ? describeRedisTarget(target) : 'the given client';
  const client: Redis = owned
    ? new Redis(target, { ...CONNECTION_OPTIONS, commandTimeout: timeoutMs, connectionName: 'gaia-ratelimit' })
    : target.client;
  if (owned) watch(client, logger, where, () => closed);
  let starting: Promise<void> | undefined = firstAttempt(client).then(() => {
    starting = undefined;
  });

  const limiters = new Map<string, RLWrapperTimeouts>();
  const limiterFor = (rule: RateLimitRule): RLWrapperTimeouts => {
    const id = ruleId(rule);
    let limiter = limiters.get(id);
    if (!limiter) {
      const common = { keyPrefix: keyPrefix + id, points: rule.points, duration: rule.durationMs / 1000 };
      const redisLimiter = new RateLimiterRedis({
        ...common,
        storeClient: client,
        // Reject at once (or use the insurance) while the client is not connected, whatever its queue settings.
        rejectIfRedisNotReady: true,
        insuranceLimiter: options.insurance === 'memory' ? new RateLimiterMemory(common) : undefined,
      });
      // Inherits the insurance limiter, so a timeout falls back to it too.
      limiter = new RLWrapperTimeouts({ limiter: redisLimiter, timeoutMs });
      limiters.set(id, limiter);
    }
    return limiter;
  };

  const failure = (err: unknown): Error => {
    if (closed) return new Error('RateLimiter is closed');
    const message = errorMessage(err);
    let reason: string;
    if (message === 'Operation timed out' || /command timed out/i.test(message)) reason = `no answer within ${timeoutMs} ms`;
    else if (client.status !== 'ready') reason = `Redis is not connected (${client.status})`;
    else reason = message;
    return new Error(`rate limit check failed: Redis at ${where}: ${reason}`, { cause: err });
  };

  return {
    kind: 'redis',

    async consume(key, rule, cost = 1) {
      if (closed) throw new Error('RateLimiter is closed');
      checkConsume(key, rule, cost);
      // Calls made while the client is still connecting wait for that attempt (bounded) instead of failing.
      if (starting) await atMost(starting, timeoutMs);
      const limiter = limiterFor(rule);
      try {
        const res = await limiter.consume(key, cost);
        return toDecision(rule, { allowed: true, remaining: res.remainingPoints, msBeforeReset: res.msBeforeNext });
      } catch (err) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the limit is exceeded, with an Error on failure.
        if (!(err instanceof RateLimiterRes)) throw failure(err);
        return toDecision(rule, { allowed: false, remaining: 0, msBeforeReset: err.msBeforeNext });
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      limiters.clear();
      if (!owned) return;
      if (client.status === 'ready') {
        try {
          await client.quit();
          return;
        } catch {
          // fall through: drop the socket instead
        }
      }
      client.disconnect();
    },
  };
}
