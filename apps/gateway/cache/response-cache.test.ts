import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryKv } from '../../../lib/kv/memory.ts';
import {
  bearer,
  createGatewayTestbed,
  eventually,
  type GatewayTestbed,
  identityEchoService,
  kvGroupBackends,
  signUp,
  type TestUser,
} from '../auth/testing.ts';
import { cacheability, ifNoneMatches } from './cache-control.ts';
import { CACHE_INVALIDATE_CHANNEL, invalidateCacheTags, parseCacheTags } from './tags.ts';

describe('cache rules', () => {
  it('reads Cache-Control opt-ins', () => {
    expect(cacheability('public, max-age=60')).toEqual({ scope: 'public', maxAgeS: 60 });
    expect(cacheability('private, max-age=5')).toEqual({ scope: 'private', maxAgeS: 5 });
    expect(cacheability('public, max-age=60, s-maxage=10')).toEqual({ scope: 'public', maxAgeS: 10 });
    for (const header of [null, '', 'max-age=60', 'public', 'public, max-age=0', 'public, max-age=60, no-store', 'private, no-cache, max-age=9', 'no-cache']) {
      expect(cacheability(header), String(header)).toBeUndefined();
    }
  });

  it('matches If-None-Match weakly, and parses tags', () => {
    expect(ifNoneMatches('"a"', '"a"')).toBe(true);
    expect(ifNoneMatches('W/"a", "b"', '"a"')).toBe(true);
    expect(ifNoneMatches('*', '"a"')).toBe(true);
    expect(ifNoneMatches('"b"', '"a"')).toBe(false);
    expect(ifNoneMatches(null, '"a"')).toBe(false);
    expect(parseCacheTags('kb:doc:1, kb:list,kb:list')).toEqual(['kb:doc:1', 'kb:list']);
    expect(parseCacheTags(null)).toEqual([]);
    expect(parseCacheTags('bad tag')).toBeUndefined();
    expect(CACHE_INVALIDATE_CHANNEL).toBe('gaia:cache:invalidate');
  });
});

/** Stand-in services whose responses opt into caching; each body carries a call counter, so a HIT is visible. */
function services(bed: GatewayTestbed) {
  const json = (body: unknown, headers: Record<string, string>, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const asset = identityEchoService('asset', bed.internalKey, {
    '/api/v1/assets/test': (principal, calls) =>
      json({ status: 'ok', calls, who: principal?.userId }, { 'cache-control': 'public, max-age=60', 'x-cache-tags': 'assets:test' }),
  });
  const kb = identityEchoService('kb', bed.internalKey, {
    '/api/v1/kb/mine': (principal, calls) => json({ userId: principal?.userId, calls }, { 'cache-control': 'private, max-age=60' }),
    '/api/v1/kb/public': (_principal, calls) => json({ calls }, { 'cache-control': 'public, max-age=60' }),
    '/api/v1/kb/stream': (_principal, calls) =>
      new Response(`data: {"calls":${calls}}\n\n`, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'private, max-age=60' } }),
    '/api/v1/kb/big': (_principal, calls) =>
      new Response(`${calls}`.padEnd(300 * 1024, 'x'), { headers: { 'content-type': 'text/plain', 'cache-control': 'private, max-age=60' } }),
    '/api/v1/kb/missing': (_principal, calls) => json({ calls }, { 'cache-control': 'private, max-age=60' }, 404),
    '/api/v1/kb/cookie': (_principal, calls) => json({ calls }, { 'cache-control': 'private, max-age=60', 'set-cookie': 'a=b' }),
  });
  return { asset, kb, clients: { ...bed.services, asset: asset.client, kb: kb.client } };
}

describe('gateway response cache', () => {
  let bed: GatewayTestbed;
  let ada: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    bed = await createGatewayTestbed();
    ada = await signUp(bed.gateway());
    bob = await signUp(bed.gateway());
  });
  afterAll(() => bed?.close());

  it('answers MISS then HIT for public responses, with an ETag, a 304 on If-None-Match, and no tags leaked', async () => {
    const { clients } = services(bed);
    const app = bed.gateway({ services: clients, kv: createMemoryKv() });
    const miss = await app.request('/api/v1/assets/test?x=1');
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(miss.headers.get('x-cache-tags')).toBeNull();
    const etag = miss.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const first = await miss.json();
    expect(first.who).toBe('anonymous');

    const hit = await app.request('/api/v1/assets/test?x=1');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('etag')).toBe(etag);
    expect(hit.headers.get('cache-control')).toBe('public, max-age=60');
    expect(hit.headers.get('content-type')).toContain('application/json');
    expect(hit.headers.get('x-request-id')).not.toBeNull();
    expect(await hit.json()).toEqual(first);

    const notModified = await app.request('/api/v1/assets/test?x=1', { headers: { 'if-none-match': etag! } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('x-cache')).toBe('HIT');
    expect(await notModified.text()).toBe('');

    // Another query string is another entry.
    expect((await app.request('/api/v1/assets/test?x=2')).headers.get('x-cache')).toBe('MISS');
  });

  it('caches the auth service’s JWKS (it says public, max-age=300)', async () => {
    const app = bed.gateway({ kv: createMemoryKv() });
    expect((await app.request('/.well-known/jwks.json')).headers.get('x-cache')).toBe('MISS');
    const hit = await app.request('/.well-known/jwks.json');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect((await hit.json()).keys.length).toBeGreaterThan(0);
  });

  it('never stores a public response to a request with credentials', async () => {
    const { clients, asset } = services(bed);
    const app = bed.gateway({ services: clients, kv: createMemoryKv() });
    await app.request('/api/v1/assets/test', { headers: bearer(ada) });
    const again = await app.request('/api/v1/assets/test', { headers: bearer(ada) });
    expect(again.headers.get('x-cache')).toBe('MISS');
    expect(asset.calls).toBe(2);
    // ...nor serves an anonymous entry to it.
    await app.request('/api/v1/assets/test');
    expect((await app.request('/api/v1/assets/test')).headers.get('x-cache')).toBe('HIT');
    const withCredentials = await app.request('/api/v1/assets/test', { headers: bearer(bob) });
    expect(withCredentials.headers.get('x-cache')).toBe('MISS');
    expect((await withCredentials.json()).who).toBe(bob.userId);
  });

  it('keeps private responses per user: never served to someone else', async () => {
    const { clients, kb } = services(bed);
    const app = bed.gateway({ services: clients, kv: createMemoryKv() });
    const adaFirst = await app.request('/api/v1/kb/mine', { headers: bearer(ada) });
    expect(adaFirst.headers.get('x-cache')).toBe('MISS');
    const adaAgain = await app.request('/api/v1/kb/mine', { headers: bearer(ada) });
    expect(adaAgain.headers.get('x-cache')).toBe('HIT');
    expect((await adaAgain.json()).userId).toBe(ada.userId);
    const bobFirst = await app.request('/api/v1/kb/mine', { headers: bearer(bob) });
    expect(bobFirst.headers.get('x-cache')).toBe('MISS');
    expect((await bobFirst.json()).userId).toBe(bob.userId);
    expect(kb.calls).toBe(2);
    // Public responses on authenticated routes are not stored for anybody.
    await app.request('/api/v1/kb/public', { headers: bearer(ada) });
    expect((await app.request('/api/v1/kb/public', { headers: bearer(ada) })).headers.get('x-cache')).toBe('MISS');
  });

  it('never caches SSE, bodies over 256 KiB, non-200s or responses setting cookies (and streams them intact)', async () => {
    const { clients, kb } = services(bed);
    const app = bed.gateway({ services: clients, kv: createMemoryKv() });
    for (const path of ['/api/v1/kb/stream', '/api/v1/kb/big', '/api/v1/kb/missing', '/api/v1/kb/cookie']) {
      const before = kb.calls;
      const first = await app.request(path, { headers: bearer(ada) });
      const firstBody = await first.text();
      const second = await app.request(path, { headers: bearer(ada) });
      expect(second.headers.get('x-cache'), path).toBe('MISS');
      expect(second.headers.get('etag'), path).toBeNull();
      expect(await second.text(), path).not.toBe(firstBody);
      expect(kb.calls - before, path).toBe(2);
    }
    const big = await app.request('/api/v1/kb/big', { headers: bearer(ada) });
    expect((await big.text()).length).toBe(300 * 1024);
  });

  it('invalidates by tag when a service publishes', async () => {
    const { clients, asset } = services(bed);
    const kv = createMemoryKv();
    const app = bed.gateway({ services: clients, kv });
    await app.request('/api/v1/assets/test');
    expect((await app.request('/api/v1/assets/test')).headers.get('x-cache')).toBe('HIT');
    await invalidateCacheTags(kv, ['assets:test']);
    await eventually(async () => (await app.request('/api/v1/assets/test')).headers.get('x-cache') === 'MISS', 1_000);
    expect((await app.request('/api/v1/assets/test')).headers.get('x-cache')).toBe('HIT');
    expect(asset.calls).toBe(2);
    // Unrelated tags leave the entry alone.
    await invalidateCacheTags(kv, ['kb:other']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await app.request('/api/v1/assets/test')).headers.get('x-cache')).toBe('HIT');
  });
});

const backends = kvGroupBackends();

describe.each(backends)('cache invalidation across two gateway instances on $name', ({ group: makeGroup }) => {
  let group: ReturnType<typeof makeGroup>;
  let bed: GatewayTestbed;
  beforeAll(async () => {
    group = makeGroup();
    bed = await createGatewayTestbed();
  });
  afterAll(async () => {
    await bed?.close();
    await group?.close();
  });

  it('shares entries through the KV and drops them on both instances when a tag is invalidated', async () => {
    const { clients, asset } = services(bed);
    const a = bed.gateway({ services: clients, kv: group.client() });
    const b = bed.gateway({ services: clients, kv: group.client() });
    await new Promise((resolve) => setTimeout(resolve, 200)); // subscriptions are set up in the background
    const status = async (app: typeof a) => (await app.request('/api/v1/assets/test')).headers.get('x-cache');
    expect(await status(a)).toBe('MISS');
    expect(await status(b)).toBe('HIT');
    expect(asset.calls).toBe(1);

    await invalidateCacheTags(group.client(), ['assets:test']);
    const elapsed = await eventually(async () => (await status(b)) === 'MISS', 1_000, 'instance B to drop the entry');
    expect(elapsed).toBeLessThan(1_000);
    // B stored the fresh response under the new version: A, which saw the message too, serves it.
    expect(await status(a)).toBe('HIT');
    expect(asset.calls).toBe(2);
  });

  it('a service may publish bare {"tags":[...]} after bumping the versions itself', async () => {
    const { clients } = services(bed);
    const a = bed.gateway({ services: clients, kv: group.client() });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const kv = group.client();
    await a.request('/api/v1/assets/test?bare=1');
    expect((await a.request('/api/v1/assets/test?bare=1')).headers.get('x-cache')).toBe('HIT');
    await kv.incr('cache:tag:assets:test');
    await kv.publish(CACHE_INVALIDATE_CHANNEL, JSON.stringify({ tags: ['assets:test'] }));
    await eventually(async () => (await a.request('/api/v1/assets/test?bare=1')).headers.get('x-cache') === 'MISS', 1_000);
  });
});
