import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeUpstash } from '../testing/fake-upstash.ts';
import { kvBackends } from '../testing/kv.ts';
import type { Kv } from './types.ts';
import { createUpstashKv } from './upstash.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

describe.each(kvBackends())('$name kv', ({ name, create }) => {
  let kv: Kv;
  beforeEach(async () => {
    kv = await create();
  });
  afterEach(async () => {
    await kv.close();
  });

  it('reports its kind', () => {
    expect(kv.kind).toBe(name);
  });

  it('gets, sets, overwrites and deletes', async () => {
    expect(await kv.get('missing')).toBeNull();
    await kv.set('greeting', 'hello');
    expect(await kv.get('greeting')).toBe('hello');
    await kv.set('greeting', 'hi');
    expect(await kv.get('greeting')).toBe('hi');
    expect(await kv.delete('greeting')).toBe(true);
    expect(await kv.get('greeting')).toBeNull();
    expect(await kv.delete('greeting')).toBe(false);
  });

  it('stores values as opaque strings (numbers, JSON, empty, unicode, "OK" stay as written)', async () => {
    const values = ['42', '{"a":1,"b":[true,null]}', '', 'héllo wörld ✓ 🚀', 'OK', 'line1\nline2', 'null'];
    for (const [i, value] of values.entries()) await kv.set(`v${i}`, value);
    for (const [i, value] of values.entries()) expect(await kv.get(`v${i}`)).toBe(value);
  });

  it('expires a key after its TTL, and a plain set clears an earlier TTL', async () => {
    await kv.set('short', 'x', { ttlMs: 60 });
    await kv.set('kept', 'y', { ttlMs: 60 });
    await kv.set('kept', 'z');
    expect(await kv.get('short')).toBe('x');
    await sleep(200);
    expect(await kv.get('short')).toBeNull();
    expect(await kv.get('kept')).toBe('z');
  });

  it('increments atomically: 200 concurrent incr end at 200 with every value seen once', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, () => kv.incr('counter')));
    expect(new Set(results).size).toBe(200);
    expect(Math.max(...results)).toBe(200);
    expect(await kv.get('counter')).toBe('200');
    expect(await kv.incr('counter', 5)).toBe(205);
    expect(await kv.incr('counter', -10)).toBe(195);
    expect(await kv.incr('fresh', 7)).toBe(7);
  });

  it('rejects a non-positive TTL or a fractional increment before touching the store', async () => {
    await expect(kv.set('t', 'v', { ttlMs: 0 })).rejects.toThrow(RangeError);
    await expect(kv.set('t', 'v', { ttlMs: Number.NaN })).rejects.toThrow(RangeError);
    await expect(kv.incr('t', 1, { ttlMs: -5 })).rejects.toThrow(RangeError);
    await expect(kv.incr('t', 1.5)).rejects.toThrow(RangeError);
    await expect(kv.incr('t', 1.5, { ttlMs: 1_000 })).rejects.toThrow(RangeError);
    expect(await kv.get('t')).toBeNull();
  });

  it('rejects incr of a non-integer value', async () => {
    await kv.set('word', 'abc');
    await expect(kv.incr('word')).rejects.toThrow(/not an integer/);
  });

  it('applies the incr TTL only when the key is created', async () => {
    expect(await kv.incr('window', 1, { ttlMs: 80 })).toBe(1);
    expect(await kv.incr('window', 1, { ttlMs: 60_000 })).toBe(2); // does not extend the window
    await kv.set('plain', '5');
    expect(await kv.incr('plain', 1, { ttlMs: 50 })).toBe(6); // existing key without TTL keeps none
    await sleep(200);
    expect(await kv.get('window')).toBeNull();
    expect(await kv.get('plain')).toBe('6');
    expect(await kv.incr('window', 1, { ttlMs: 60_000 })).toBe(1);
  });

  it('sets only an absent key with ifAbsent (a cache fill never overwrites newer news)', async () => {
    await kv.set('fill', 'first', { ifAbsent: true, ttlMs: 60_000 });
    expect(await kv.get('fill')).toBe('first');
    await kv.set('fill', 'second', { ifAbsent: true });
    expect(await kv.get('fill')).toBe('first');
    await kv.set('fill', 'news');
    expect(await kv.get('fill')).toBe('news');
    await kv.set('short', 'gone soon', { ifAbsent: true, ttlMs: 100 });
    await sleep(250);
    await kv.set('short', 'again', { ifAbsent: true });
    expect(await kv.get('short')).toBe('again');
  });

  it('publishes to subscribers; unsubscribe stops delivery', async () => {
    const a: string[] = [];
    const b: string[] = [];
    const other: string[] = [];
    const stopA = await kv.subscribe('news', (m) => a.push(m));
    const stopB = await kv.subscribe('news', (m) => b.push(m));
    await kv.subscribe('other', (m) => other.push(m));

    await kv.publish('news', '{"n":1}');
    await kv.publish('news', 'two');
    await vi.waitFor(() => expect(a).toEqual(['{"n":1}', 'two']), { timeout: 3_000 });
    await vi.waitFor(() => expect(b).toEqual(['{"n":1}', 'two']), { timeout: 3_000 });

    await stopA();
    await stopA(); // idempotent
    await kv.publish('news', 'three');
    await vi.waitFor(() => expect(b).toEqual(['{"n":1}', 'two', 'three']), { timeout: 3_000 });
    await stopB();
    await kv.publish('news', 'four');
    await sleep(150);
    expect(a).toEqual(['{"n":1}', 'two']);
    expect(b).toEqual(['{"n":1}', 'two', 'three']);
    expect(other).toEqual([]);
  });

  it('keeps delivering when a subscriber throws', async () => {
    const seen: string[] = [];
    await kv.subscribe('boom', () => {
      throw new Error('subscriber bug');
    });
    await kv.subscribe('boom', (m) => seen.push(m));
    await kv.publish('boom', '1');
    await kv.publish('boom', '2');
    await vi.waitFor(() => expect(seen).toEqual(['1', '2']), { timeout: 3_000 });
  });

  it('pings', async () => {
    await expect(kv.ping()).resolves.toBeUndefined();
  });

  it('close is idempotent and later calls reject', async () => {
    await kv.close();
    await kv.close();
    await expect(kv.get('x')).rejects.toThrow(/closed/i);
    await expect(kv.ping()).rejects.toThrow(/closed/i);
  });
});

describe('kvBackends', () => {
  it('refuses to run in CI without REDIS_URL, and offers redis only with it', () => {
    expect(() => kvBackends({ CI: 'true' })).toThrow(/CI must set REDIS_URL/);
    expect(kvBackends({}).map((b) => b.name)).toEqual(['memory', 'upstash']);
    expect(kvBackends({ CI: 'true', REDIS_URL: 'redis://127.0.0.1:6379' }).map((b) => b.name)).toEqual(['memory', 'redis', 'upstash']);
  });
});

describe('Upstash subscriptions', () => {
  it('are re-established when the server ends the stream, with interrupt and resume told', async () => {
    const fake = await startFakeUpstash({ redisUrl: REDIS_URL });
    const kv = createUpstashKv({ url: fake.url, token: fake.token, keyPrefix: `test:upstash-sub:${crypto.randomUUID()}:` });
    try {
      const events: string[] = [];
      await kv.subscribe('ch', (m) => events.push(`message ${m}`), {
        onInterrupt: () => events.push('interrupt'),
        onResume: () => events.push('resume'),
      });
      await kv.publish('ch', 'one');
      await vi.waitFor(() => expect(events).toEqual(['message one']), { timeout: 3_000 });
      fake.endStreams();
      await vi.waitFor(() => expect(events).toEqual(['message one', 'interrupt', 'resume']), { timeout: 5_000 });
      await kv.publish('ch', 'two');
      await vi.waitFor(() => expect(events).toEqual(['message one', 'interrupt', 'resume', 'message two']), { timeout: 3_000 });
    } finally {
      await kv.close();
      await fake.close();
    }
  });
});

describe('fake Upstash auth', () => {
  it('answers a wrong token with 401 WRONGPASS, and the adapter surfaces a clear error', async () => {
    const fake = await startFakeUpstash({ redisUrl: REDIS_URL, token: 'right-token' });
    try {
      const res = await fetch(fake.url, {
        method: 'POST',
        headers: { authorization: 'Bearer wrong-token', 'content-type': 'application/json' },
        body: JSON.stringify(['ping']),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/^WRONGPASS/);

      const ok = await fetch(fake.url, { method: 'POST', headers: { authorization: 'Bearer right-token' }, body: '["ping"]' });
      expect(await ok.json()).toEqual({ result: 'PONG' });

      const kv = createUpstashKv({ url: fake.url, token: 'wrong-token' });
      await expect(kv.ping()).rejects.toThrow(/kv ping failed: Upstash at 127\.0\.0\.1:\d+ rejected the REST token/);
      const err = await kv.set('secret-key', 'secret-value').catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect(String(err)).not.toContain('secret-value');
      await expect(kv.subscribe('ch', () => {})).rejects.toThrow(/rejected the REST token/);
      await kv.close();
    } finally {
      await fake.close();
    }
  });
});
