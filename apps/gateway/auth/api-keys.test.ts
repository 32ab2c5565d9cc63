import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../lib/auth/api-key-format.ts';
import { encodeApiKeyMarker, parseApiKeyMarker } from '../../../lib/auth/revocation.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import { createMemoryKv } from '../../../lib/kv/memory.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { inProcessClient } from '../../../lib/service/client.ts';
import type { ServiceClient } from '../../../lib/service/types.ts';
import { createApiKeyVerifier } from './api-keys.ts';
import { CredentialStoreError } from './auth-service.ts';
import {
  bearer,
  createApiKey,
  createGatewayTestbed,
  eventually,
  type GatewayTestbed,
  kvGroupBackends,
  signUp,
} from './testing.ts';

const KEY = `gaia_test_${'A'.repeat(33)}`;
const ada: Principal = { userId: crypto.randomUUID(), email: 'ada@example.com', roles: ['user'], authType: 'api_key', keyId: 'k1' };
/** Waits until `ready()` holds (the verifier reached the auth service: hashing and the KV read run off the event loop). */
const until = async (ready: () => boolean) => {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 1));
};

/** A feed whose state the test sets (what a live subscription, a gap and a resume look like to the verifier). */
function manualFeed() {
  return { live: true, epoch: 0, distrustBefore: 0 };
}

describe('API key verifier', () => {
  const setup = (
    verify: (key: string) => Promise<Principal | null>,
    kv: Kv = createMemoryKv(),
    feed = manualFeed(),
    validUntil: () => number | null = () => null,
  ) => {
    let calls = 0;
    let kvGets = 0;
    const counted: Kv = {
      ...kv,
      get: (key) => {
        kvGets++;
        return kv.get(key);
      },
    };
    const keys = createApiKeyVerifier({
      kv: counted,
      feed,
      logger: createMemoryLogger(),
      verify: async (key) => {
        calls++;
        const principal = await verify(key);
        return principal ? { principal, validUntil: validUntil() } : null;
      },
    });
    return { keys, kv, feed, calls: () => calls, kvGets: () => kvGets };
  };
  const hashOf = () => hashApiKey(KEY);

  it('asks the auth service once, then answers from memory (no round trip) until the key is revoked', async () => {
    const { keys, kv, calls, kvGets } = setup(async () => ada);
    expect(await keys.verify(KEY)).toEqual(ada);
    expect(JSON.parse((await kv.get(`gw:apikey:${await hashOf()}`)) ?? 'null')).toMatchObject({ p: ada });
    const gets = kvGets();
    for (let i = 0; i < 100; i++) expect(await keys.verify(KEY)).toEqual(ada);
    expect(kvGets()).toBe(gets);
    expect(calls()).toBe(1);

    // What the auth service does when the key changes (its owner's roles, a rotation): a marker, and the message.
    await kv.set(`gw:apikey:${await hashOf()}`, encodeApiKeyMarker({ revoked: false, at: Date.now() }), { ttlMs: 15_000 });
    keys.forget(await hashOf());
    await keys.verify(KEY);
    expect(calls()).toBe(2);
  });

  it("checks a privileged principal's key in the KV on every request, never from memory", async () => {
    const admin: Principal = { ...ada, roles: ['admin'] };
    const { keys, kv, calls, kvGets } = setup(async () => admin);
    expect(await keys.verify(KEY)).toEqual(admin);
    const gets = kvGets();
    for (let i = 0; i < 5; i++) expect(await keys.verify(KEY)).toEqual(admin);
    expect(kvGets()).toBe(gets + 5);
    expect(calls()).toBe(1);
    // A demotion puts the auth service's marker over the KV record: the very next request asks the auth service.
    await kv.set(`gw:apikey:${await hashOf()}`, encodeApiKeyMarker({ revoked: false, at: Date.now() }), { ttlMs: 15_000 });
    await keys.verify(KEY);
    expect(calls()).toBe(2);
  });

  it('trusts no in-process copy while the feed is down, and re-checks KV records older than its last gap', async () => {
    const { keys, kv, feed, calls, kvGets } = setup(async () => ada);
    expect(await keys.verify(KEY)).toEqual(ada);
    expect(calls()).toBe(1);
    // A gap: memory is dropped and not used; the KV record (written before the gap) is still trusted meanwhile.
    feed.live = false;
    feed.epoch++;
    keys.dropMemory();
    const gets = kvGets();
    await keys.verify(KEY);
    await keys.verify(KEY);
    expect(kvGets()).toBe(gets + 2);
    expect(calls()).toBe(1);
    // Resumed: the record predates the gap, so the auth service is asked once (a revocation may have been missed).
    feed.live = true;
    feed.epoch++;
    feed.distrustBefore = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await keys.verify(KEY);
    expect(calls()).toBe(2);
    // That answer is kept in memory (the feed is live again): no more questions for a while.
    await keys.verify(KEY);
    expect(calls()).toBe(2);
    expect(await kv.get(`gw:apikey:${await hashOf()}`)).not.toBeNull();
  });

  it("follows the auth service's marker: a revoked key is refused without asking, a changed one is asked about", async () => {
    const { keys, kv, calls } = setup(async () => ada);
    const record = `gw:apikey:${await hashOf()}`;
    await kv.set(record, encodeApiKeyMarker({ revoked: true, at: Date.now() }), { ttlMs: 15_000 });
    expect(await keys.verify(KEY)).toBeNull();
    expect(calls()).toBe(0);
    await kv.set(record, encodeApiKeyMarker({ revoked: false, at: Date.now() }), { ttlMs: 15_000 });
    expect(await keys.verify(KEY)).toEqual(ada);
    expect(calls()).toBe(1);
    // The marker stays: a verification can never write over it (what a late verification elsewhere would do).
    expect(parseApiKeyMarker((await kv.get(record)) ?? '')).toMatchObject({ revoked: false });
  });

  it("keeps no copy past the key's own end (expiry, rotation grace)", async () => {
    const { keys, kv, calls } = setup(async () => ada, createMemoryKv(), manualFeed(), () => Date.now() + 150);
    expect(await keys.verify(KEY)).toEqual(ada);
    expect(await keys.verify(KEY)).toEqual(ada);
    expect(calls()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await kv.get(`gw:apikey:${await hashOf()}`)).toBeNull();
    await keys.verify(KEY);
    expect(calls()).toBe(2);
  });

  it('does not cache a verification that was in flight during a gap', async () => {
    let release: (principal: Principal) => void = () => {};
    const { keys, feed, calls } = setup(() => new Promise<Principal>((resolve) => (release = resolve)));
    const pending = keys.verify(KEY);
    await until(() => calls() === 1);
    feed.epoch++; // a gap began and ended while the auth service was asked
    release(ada);
    expect(await pending).toEqual(ada);
    const again = keys.verify(KEY);
    await until(() => calls() === 2);
    release(ada);
    await again;
    expect(calls()).toBe(2);
  });

  it('remembers unknown keys briefly, never asks about keys of the wrong shape, and shares concurrent checks', async () => {
    const { keys, calls } = setup(async () => null);
    const results = await Promise.all([keys.verify(KEY), keys.verify(KEY), keys.verify(KEY)]);
    expect(results).toEqual([null, null, null]);
    expect(await keys.verify(KEY)).toBeNull();
    expect(calls()).toBe(1);
    expect(await keys.verify('gaia_test_short')).toBeNull();
    expect(await keys.verify('sk-openai-style')).toBeNull();
    expect(calls()).toBe(1);
  });

  it('does not cache a verification that was in flight when the key was revoked', async () => {
    let release: (principal: Principal) => void = () => {};
    const { keys, calls } = setup(() => new Promise<Principal>((resolve) => (release = resolve)));
    const pending = keys.verify(KEY);
    await until(() => calls() === 1);
    keys.forget(await hashApiKey(KEY));
    release(ada);
    expect(await pending).toEqual(ada); // what was true when it was asked
    const again = keys.verify(KEY);
    await until(() => calls() === 2);
    release(ada);
    await again;
    expect(calls()).toBe(2);
  });

  it('passes store failures on uncached, and falls back to the auth service when the KV fails', async () => {
    const failing = setup(async () => {
      throw new CredentialStoreError('auth service answered 502');
    });
    await expect(failing.keys.verify(KEY)).rejects.toBeInstanceOf(CredentialStoreError);
    await expect(failing.keys.verify(KEY)).rejects.toBeInstanceOf(CredentialStoreError);
    expect(failing.calls()).toBe(2);

    const broken = createMemoryKv();
    const kv: Kv = { ...broken, get: async () => Promise.reject(new Error('kv get failed: Redis is not connected')) };
    const { keys } = setup(async () => ada, kv);
    expect(await keys.verify(KEY)).toEqual(ada);
  });
});

const backends = kvGroupBackends();

describe.each(backends)('two gateway instances on $name', ({ group: makeGroup }) => {
  let group: ReturnType<typeof makeGroup>;
  let bed: GatewayTestbed;
  beforeAll(async () => {
    group = makeGroup();
    bed = await createGatewayTestbed({ kv: group.client() });
  });
  afterAll(async () => {
    await bed?.close();
    await group?.close();
  });

  function counting(client: ServiceClient) {
    const counter = { verifications: 0, kvGets: 0 };
    const auth = inProcessClient('auth', (request) => {
      if (new URL(request.url).pathname === '/internal/api-keys/verify') counter.verifications++;
      return client.fetch(request);
    });
    const base = group.client();
    const kv: Kv = {
      ...base,
      get: (key) => {
        counter.kvGets++;
        return base.get(key);
      },
    };
    return { auth, kv, counter };
  }

  it('share verifications through the KV, keep warm keys in memory, and drop a revoked key within a second', async () => {
    const a = counting(bed.services.auth);
    const b = counting(bed.services.auth);
    const gatewayA = bed.gateway({ kv: a.kv, services: { ...bed.services, auth: a.auth } });
    const gatewayB = bed.gateway({ kv: b.kv, services: { ...bed.services, auth: b.auth } });
    const user = await signUp(gatewayA);
    const { id, key } = await createApiKey(gatewayA, user);
    const me = (app: typeof gatewayA) => app.request('/api/v1/auth/me', { headers: { 'x-api-key': key } });

    // Subscriptions are set up in the background when an app is built; give them a moment on Redis.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await me(gatewayA)).status).toBe(200);
    expect((await me(gatewayB)).status).toBe(200);
    expect(a.counter.verifications + b.counter.verifications).toBe(1); // B found A's verification in the KV
    const kvGets = b.counter.kvGets;
    for (let i = 0; i < 20; i++) expect((await me(gatewayB)).status).toBe(200);
    expect(b.counter.kvGets).toBe(kvGets); // warm: no KV round trip either
    expect(a.counter.verifications + b.counter.verifications).toBe(1);

    const revoked = await gatewayA.request(`/api/v1/auth/api-keys/${id}`, { method: 'DELETE', headers: bearer(user) });
    expect(revoked.status).toBe(204);
    const elapsed = await eventually(async () => (await me(gatewayB)).status === 401, 1_000, 'instance B to refuse the revoked key');
    expect(elapsed).toBeLessThan(1_000);
    expect(await (await me(gatewayB)).json()).toEqual({ detail: 'Not authenticated. Provide a valid JWT or API Key.' });
    const gaia = await gatewayB.request('/api/v1/conversations', { headers: { 'x-api-key': key } });
    expect(await gaia.json()).toEqual({ detail: 'Could not validate credentials' });
    expect((await me(gatewayA)).status).toBe(401);
  });
});
