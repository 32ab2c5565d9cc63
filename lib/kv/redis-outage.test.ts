import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { deleteKvPrefix, uniqueKvPrefix } from '../testing/kv.ts';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.ts';
import { createRedisKv } from './redis.ts';

const REDIS_URL = process.env.REDIS_URL;

/** REDIS_URL with its host and port swapped for the proxy's (credentials and db kept). */
function viaProxy(redisUrl: string, port: number): string {
  const url = new URL(redisUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

async function elapsed<T>(promise: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const start = Date.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: Date.now() - start, result: result as PromiseSettledResult<T> };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!REDIS_URL)('redis kv outage (REDIS_URL behind a TCP proxy)', () => {
  const redisUrl = REDIS_URL ?? '';
  const target = () => {
    const url = new URL(redisUrl);
    return { host: url.hostname, port: Number(url.port || 6379) };
  };

  it('fails fast while Redis is down and recovers without recreating the client; subscriptions survive', async () => {
    const proxy: TcpProxy = await startTcpProxy(target());
    const prefix = uniqueKvPrefix('outage');
    const logger = createMemoryLogger();
    const kv = createRedisKv(viaProxy(redisUrl, proxy.port), { logger, keyPrefix: prefix });
    const direct = createRedisKv(redisUrl, { keyPrefix: prefix }); // publishes around the proxy
    cleanups.push(
      () => proxy.close(),
      () => kv.close(),
      () => direct.close(),
      () => deleteKvPrefix(redisUrl, prefix),
    );

    await kv.ping();
    const received: string[] = [];
    const dropped: string[] = [];
    await kv.subscribe('events', (m) => received.push(m));
    const stopDropped = await kv.subscribe('dropped', (m) => dropped.push(m));
    await direct.publish('events', 'before');
    await vi.waitFor(() => expect(received).toEqual(['before']), { timeout: 3_000 });

    await proxy.stop();
    const ping = await elapsed(kv.ping());
    expect(ping.result.status).toBe('rejected');
    expect(ping.ms).toBeLessThan(2_000);
    await expect(kv.set('k', 'v')).rejects.toThrow(/kv set failed: Redis is not connected \(reconnecting\)/);
    await expect(kv.incr('n')).rejects.toThrow(/kv incr failed/);
    await stopDropped(); // can't reach Redis: delivery stops at once, the server side is cleaned up on reconnect

    await proxy.start();
    await vi.waitFor(() => kv.ping(), { timeout: 10_000, interval: 100 });
    await kv.set('k', 'after');
    expect(await kv.get('k')).toBe('after');

    // The subscriber connection reconnects on its own schedule: publish until the resubscription is live.
    await vi.waitFor(
      async () => {
        await direct.publish('events', 'after');
        expect(received).toContain('after');
      },
      { timeout: 10_000, interval: 200 },
    );

    await direct.publish('dropped', 'after');
    const raw = new Redis(redisUrl);
    cleanups.push(async () => void (await raw.quit()));
    await vi.waitFor(async () => expect(await raw.pubsub('NUMSUB', `${prefix}dropped`)).toEqual([`${prefix}dropped`, 0]), {
      timeout: 5_000,
    });
    expect(dropped).toEqual([]);

    const messages = logger.entries().map((e) => `${e.level} ${e.msg} ${e.role}`);
    expect(messages).toContain('warn redis connection lost, reconnecting commands');
    expect(messages).toContain('info redis connection recovered commands');
    expect(messages).toContain('warn redis connection lost, reconnecting subscriber');
    expect(messages).toContain('info redis connection recovered subscriber');
  });

  it('tells a subscriber when delivery stopped and when it resumed, and delivers again at once after', async () => {
    const proxy = await startTcpProxy(target());
    const prefix = uniqueKvPrefix('interrupt');
    const kv = createRedisKv(viaProxy(redisUrl, proxy.port), { keyPrefix: prefix });
    const direct = createRedisKv(redisUrl, { keyPrefix: prefix });
    cleanups.push(
      () => proxy.close(),
      () => kv.close(),
      () => direct.close(),
      () => deleteKvPrefix(redisUrl, prefix),
    );
    const events: string[] = [];
    await kv.subscribe('ch', (m) => events.push(`message ${m}`), {
      onInterrupt: () => events.push('interrupt'),
      onResume: () => events.push('resume'),
    });
    await direct.publish('ch', 'one');
    await vi.waitFor(() => expect(events).toEqual(['message one']), { timeout: 3_000 });

    await proxy.stop();
    await vi.waitFor(() => expect(events).toEqual(['message one', 'interrupt']), { timeout: 3_000 });
    await direct.publish('ch', 'lost'); // published while the subscriber is cut off: never delivered
    await proxy.start();
    await vi.waitFor(() => expect(events).toEqual(['message one', 'interrupt', 'resume']), { timeout: 5_000 });
    // Once resumed, delivery works at once (no retry loop needed).
    await direct.publish('ch', 'two');
    await vi.waitFor(() => expect(events).toEqual(['message one', 'interrupt', 'resume', 'message two']), { timeout: 3_000 });
  });

  it('a subscription made while Redis is down fails fast instead of hanging', async () => {
    const proxy = await startTcpProxy(target());
    const kv = createRedisKv(viaProxy(redisUrl, proxy.port));
    cleanups.push(
      () => proxy.close(),
      () => kv.close(),
    );
    await kv.ping();
    await proxy.stop();
    const sub = await elapsed(kv.subscribe('ch', () => {}));
    expect(sub.result.status).toBe('rejected');
    expect(sub.ms).toBeLessThan(6_000);
  });
});

describe('redis kv without a reachable server', () => {
  it('rejects instead of hanging, and never logs the password', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 1 });
    await proxy.stop(); // a port on which nothing listens
    const logger = createMemoryLogger();
    const kv = createRedisKv(`redis://user:s3cret-pw@127.0.0.1:${proxy.port}/2`, { logger });
    cleanups.push(
      () => kv.close(),
      () => proxy.close(),
    );
    const ping = await elapsed(kv.ping());
    expect(ping.result.status).toBe('rejected');
    expect(ping.ms).toBeLessThan(6_000);
    await vi.waitFor(() => expect(logger.entries().some((e) => e.msg === 'redis unavailable, retrying')).toBe(true));
    const unavailable = logger.entries().find((e) => e.msg === 'redis unavailable, retrying');
    expect(unavailable).toMatchObject({ level: 'warn', role: 'commands', target: `redis://127.0.0.1:${proxy.port}/2` });
    expect(logger.lines.join('\n')).not.toContain('s3cret-pw');
  });
});
