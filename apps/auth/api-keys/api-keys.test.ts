import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_SERVICE_PRINCIPAL, type Principal } from '../../../lib/auth/types.ts';
import type { Db } from '../../../lib/db/types.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { kvBackends } from '../../../lib/testing/kv.ts';
import { REVOCATIONS_CHANNEL } from '../../../lib/auth/revocation.ts';
import { hashApiKey } from '../../../lib/auth/api-key-format.ts';
import type { CreatedApiKey } from './routes/create-api-key.ts';
import type { ApiKeyList } from './routes/list-api-keys.ts';
import type { RotatedApiKey } from './routes/rotate-api-key.ts';
import { revokeApiKey } from './store.ts';
import {
  type AccessTestApp,
  type AccessTestDeps,
  accessApp,
  accessDeps,
  createUser,
  isolatedDb,
} from './test-support.ts';
import { flushKeyUsage, pendingKeyUses, startKeyUsageFlusher } from './usage.ts';
import { verifyApiKey } from './verify.ts';

const HOUR = 3600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dbBackends())('API keys on $name', (backend) => {
  let closeDb: () => Promise<void>;
  let deps: AccessTestDeps;
  let t: AccessTestApp;

  beforeAll(async () => {
    const isolated = await isolatedDb(backend);
    closeDb = isolated.close;
    deps = await accessDeps(isolated.db);
    t = await accessApp(deps);
  });
  afterAll(async () => {
    await deps?.runtime.close();
    await closeDb?.();
  });

  const call = async (principal: Principal, method: string, path: string, body?: unknown) =>
    t.app.request(path, { method, headers: await t.as(principal), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  async function create(owner: Principal, body: Record<string, unknown> = { name: 'ci' }): Promise<CreatedApiKey> {
    const res = await call(owner, 'POST', '/api/v1/auth/api-keys', body);
    expect(res.status).toBe(201);
    return (await res.json()) as CreatedApiKey;
  }

  const list = async (caller: Principal, query = '') => {
    const res = await call(caller, 'GET', `/api/v1/auth/api-keys${query}`);
    return { status: res.status, text: await res.text() };
  };

  it('creates a key whose secret is shown once and stored only as its SHA-256', async () => {
    const owner = await createUser(deps, ['user']);
    const created = await create(owner, { name: '  laptop  ' });
    expect(created).toMatchObject({ name: 'laptop', user_id: owner.userId, roles: null, status: 'active', expires_at: null });
    expect(created.key).toMatch(/^gaia_test_[0-9A-Za-z]{33}$/);
    expect(created.prefix).toBe(created.key.slice(0, 14));

    const [row] = await deps.db.query('select * from auth.api_keys where id = $1', [created.id]);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(created.key);
    expect(stored).not.toContain(created.key.slice(14));
    expect(row!.key_hash).toBe(await hashApiKey(created.key));

    const listed = await list(owner);
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.key.slice(14));
    expect(listed.text).not.toContain(row!.key_hash as string);
    const { keys } = JSON.parse(listed.text) as ApiKeyList;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ id: created.id, prefix: created.prefix });
    expect(Object.keys(keys[0]!)).not.toContain('key');
    expect(Object.keys(keys[0]!)).not.toContain('key_hash');
  });

  it('verifies a valid key as its owner, and refuses unknown and malformed keys', async () => {
    const owner = await createUser(deps, ['developer', 'kb_editor']);
    const { key, id } = await create(owner);
    expect(await verifyApiKey(deps, key)).toEqual({
      userId: owner.userId,
      email: owner.email,
      roles: ['developer', 'kb_editor'],
      authType: 'api_key',
      keyId: id,
    });
    expect(await verifyApiKey(deps, `${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`)).toBeNull();
    expect(await verifyApiKey(deps, 'gaia_test_nope')).toBeNull();
    expect(await verifyApiKey(deps, '')).toBeNull();
  });

  it('refuses a revoked key at once and publishes the invalidation of the key and its exchanged tokens', async () => {
    const owner = await createUser(deps, ['user']);
    const { key, id } = await create(owner);
    const events: string[] = [];
    const unsubscribe = await deps.kv.subscribe(REVOCATIONS_CHANNEL, (m) => events.push(m));
    try {
      expect((await call(owner, 'DELETE', `/api/v1/auth/api-keys/${id}`)).status).toBe(204);
      expect(events.map((e) => JSON.parse(e))).toEqual([
        { type: 'api_key', keyHash: await hashApiKey(key), reason: 'revoked' },
        { type: 'session', sessionId: id },
      ]);
    } finally {
      await unsubscribe();
    }
    expect(await verifyApiKey(deps, key)).toBeNull();
    expect((await call(owner, 'DELETE', `/api/v1/auth/api-keys/${id}`)).status).toBe(404);
    expect(JSON.parse((await list(owner)).text)).toEqual({ keys: [] });
  });

  it('refuses an expired key (clock injected) and lists it as expired', async () => {
    const owner = await createUser(deps, ['user']);
    const expiresAt = new Date(deps.now() + HOUR).toISOString();
    const { key, id } = await create(owner, { name: 'short', expires_at: expiresAt });
    expect(await verifyApiKey(deps, key)).not.toBeNull();
    deps.advance(2 * HOUR);
    try {
      expect(await verifyApiKey(deps, key)).toBeNull();
      const { keys } = JSON.parse((await list(owner)).text) as ApiKeyList;
      expect(keys).toEqual([expect.objectContaining({ id, status: 'expired', expires_at: expiresAt })]);
      const rotate = await call(owner, 'POST', `/api/v1/auth/api-keys/${id}/rotate`, {});
      expect(rotate.status).toBe(409);
    } finally {
      deps.advance(-2 * HOUR);
    }
  });

  it('refuses expires_at in the past and other invalid bodies with 400', async () => {
    const owner = await createUser(deps, ['user']);
    const bad = [
      { name: 'x', expires_at: new Date(deps.now() - 1000).toISOString() },
      { name: '' },
      { name: 'x', expires_at: 'tomorrow' },
      { name: 'x', roles: ['root'] },
    ];
    for (const body of bad) {
      const res = await call(owner, 'POST', '/api/v1/auth/api-keys', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
    expect((await call(owner, 'DELETE', '/api/v1/auth/api-keys/not-a-uuid')).status).toBe(400);
  });

  it('rotates: the new key works now, the old one until grace_until and not after', async () => {
    const owner = await createUser(deps, ['user']);
    const old = await create(owner, { name: 'deploy', roles: ['user'] });
    const events: string[] = [];
    const unsubscribe = await deps.kv.subscribe(REVOCATIONS_CHANNEL, (m) => events.push(m));
    const res = await call(owner, 'POST', `/api/v1/auth/api-keys/${old.id}/rotate`, { grace_seconds: 600 });
    await unsubscribe();
    expect(res.status).toBe(201);
    const rotated = (await res.json()) as RotatedApiKey;
    expect(rotated.key).not.toBe(old.key);
    expect(rotated).toMatchObject({ name: 'deploy', roles: ['user'], rotated_from: old.id, status: 'active' });
    expect(rotated.previous).toMatchObject({ id: old.id, status: 'rotating' });
    expect(Date.parse(rotated.previous.grace_until!) - Date.parse(rotated.created_at)).toBe(600_000);
    expect(events.map((e) => JSON.parse(e))).toEqual([{ type: 'api_key', keyHash: await hashApiKey(old.key), reason: 'changed' }]);

    expect(await verifyApiKey(deps, old.key)).toMatchObject({ keyId: old.id });
    expect(await verifyApiKey(deps, rotated.key)).toMatchObject({ keyId: rotated.id });
    expect((await call(owner, 'POST', `/api/v1/auth/api-keys/${old.id}/rotate`, {})).status).toBe(409);

    deps.advance(601_000);
    try {
      expect(await verifyApiKey(deps, old.key)).toBeNull();
      expect(await verifyApiKey(deps, rotated.key)).toMatchObject({ keyId: rotated.id });
      const { keys } = JSON.parse((await list(owner)).text) as ApiKeyList;
      expect(keys.map((k) => k.id)).toEqual([rotated.id]);
    } finally {
      deps.advance(-601_000);
    }
  });

  it('rotates with a default grace of one hour, and refuses more than 7 days', async () => {
    const owner = await createUser(deps, ['user']);
    const old = await create(owner);
    const tooLong = await call(owner, 'POST', `/api/v1/auth/api-keys/${old.id}/rotate`, { grace_seconds: 7 * 86400 + 1 });
    expect(tooLong.status).toBe(400);
    const res = await t.app.request(`/api/v1/auth/api-keys/${old.id}/rotate`, {
      method: 'POST',
      headers: { 'X-Gaia-Identity': (await t.as(owner))['X-Gaia-Identity']! },
    });
    expect(res.status).toBe(201);
    const rotated = (await res.json()) as RotatedApiKey;
    expect(Date.parse(rotated.previous.grace_until!) - Date.parse(rotated.created_at)).toBe(HOUR);
  });

  it("acts with the owner's roles ∩ the key's scopes, following the owner's current roles", async () => {
    const owner = await createUser(deps, ['developer', 'kb_admin']);
    const scoped = await create(owner, { name: 'kb-bot', roles: ['kb_admin', 'kb_admin'] });
    expect(scoped.roles).toEqual(['kb_admin']);
    expect((await verifyApiKey(deps, scoped.key))?.roles).toEqual(['kb_admin']);
    const full = await create(owner, { name: 'all' });
    expect((await verifyApiKey(deps, full.key))?.roles).toEqual(['developer', 'kb_admin']);

    await deps.db.query(`delete from auth.user_roles where user_id = $1 and role = 'kb_admin'`, [owner.userId]);
    expect((await verifyApiKey(deps, scoped.key))?.roles).toEqual([]);
    expect((await verifyApiKey(deps, full.key))?.roles).toEqual(['developer']);

    const denied = await call(owner, 'POST', '/api/v1/auth/api-keys', { name: 'x', roles: ['admin'] });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: 'FORBIDDEN', details: { roles: ['admin'] } } });
  });

  it('lets a scoped key mint only keys as narrow as itself', async () => {
    const owner = await createUser(deps, ['user', 'kb_editor']);
    const scoped = await create(owner, { name: 'kb', roles: ['kb_editor'] });
    const keyPrincipal = await verifyApiKey(deps, scoped.key);
    // A key without auth:write (kb_editor only) cannot manage keys at all.
    expect((await call(keyPrincipal!, 'POST', '/api/v1/auth/api-keys', { name: 'child' })).status).toBe(403);

    const userKey = await create(owner, { name: 'user-only', roles: ['user'] });
    const asUserKey = await verifyApiKey(deps, userKey.key);
    const child = (await (await call(asUserKey!, 'POST', '/api/v1/auth/api-keys', { name: 'child' })).json()) as CreatedApiKey;
    expect(child.roles).toEqual(['user']);
    expect((await call(asUserKey!, 'POST', '/api/v1/auth/api-keys', { name: 'wider', roles: ['kb_editor'] })).status).toBe(403);
  });

  it('records last_used_at in memory: 100 verifications cause at most one write', async () => {
    const owner = await createUser(deps, ['user']);
    const { key, id } = await create(owner);
    let writes = 0;
    const counting: Db = {
      ...deps.db,
      query: (sql, params) => {
        if (/^\s*(update|insert|delete)/i.test(sql)) writes++;
        return deps.db.query(sql, params);
      },
    };
    const spied = { ...deps, db: counting };
    for (let i = 0; i < 100; i++) expect(await verifyApiKey(spied, key)).not.toBeNull();
    expect(writes).toBe(0);
    expect(pendingKeyUses(spied)).toBe(1);
    expect(await flushKeyUsage(spied)).toBe(1);
    expect(writes).toBe(1);
    expect(await flushKeyUsage(spied)).toBe(0);
    expect(writes).toBe(1);
    const [row] = await deps.db.query<{ last_used_at: Date }>('select last_used_at from auth.api_keys where id = $1', [id]);
    expect(Math.abs(new Date(row!.last_used_at).getTime() - deps.now())).toBeLessThan(5000);
  });

  it('flushes key uses of many keys in one batched statement, on an interval, and never moves last_used_at back', async () => {
    const owner = await createUser(deps, ['user']);
    const a = await create(owner, { name: 'a' });
    const b = await create(owner, { name: 'b' });
    await verifyApiKey(deps, a.key);
    deps.advance(HOUR);
    try {
      await verifyApiKey(deps, b.key);
      const stop = startKeyUsageFlusher(deps, { intervalS: 0.05 });
      await sleep(200);
      stop();
      expect(pendingKeyUses(deps)).toBe(0);
      const rows = await deps.db.query<{ id: string; last_used_at: Date }>(
        'select id, last_used_at from auth.api_keys where id in ($1, $2)',
        [a.id, b.id],
      );
      const at = Object.fromEntries(rows.map((r) => [r.id, new Date(r.last_used_at).getTime()]));
      expect(at[b.id]! - at[a.id]!).toBeGreaterThanOrEqual(HOUR - 1000);
      const laterUse = at[b.id]!;
      deps.advance(-2 * HOUR);
      await verifyApiKey(deps, b.key);
      await flushKeyUsage(deps);
      const [again] = await deps.db.query<{ last_used_at: Date }>('select last_used_at from auth.api_keys where id = $1', [b.id]);
      expect(new Date(again!.last_used_at).getTime()).toBe(laterUse);
    } finally {
      deps.advance(HOUR);
    }
  });

  it('keeps other users out: foreign ids are 404 for owners, admins may revoke and list but not rotate', async () => {
    const owner = await createUser(deps, ['user']);
    const other = await createUser(deps, ['user']);
    const admin = await createUser(deps, ['admin']);
    const a = await create(owner, { name: 'a' });
    const b = await create(owner, { name: 'b' });

    const foreignDelete = await call(other, 'DELETE', `/api/v1/auth/api-keys/${a.id}`);
    expect(foreignDelete.status).toBe(404);
    expect(await foreignDelete.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await call(other, 'POST', `/api/v1/auth/api-keys/${a.id}/rotate`, {})).status).toBe(404);
    expect((await call(admin, 'POST', `/api/v1/auth/api-keys/${a.id}/rotate`, {})).status).toBe(404);
    expect(JSON.parse((await list(other)).text)).toEqual({ keys: [] });
    expect((await list(other, `?user_id=${owner.userId}`)).status).toBe(403);
    expect(await verifyApiKey(deps, a.key)).not.toBeNull();

    const adminList = await list(admin, `?user_id=${owner.userId}`);
    expect(adminList.status).toBe(200);
    expect((JSON.parse(adminList.text) as ApiKeyList).keys.map((k) => k.name).sort()).toEqual(['a', 'b']);
    expect((await call(admin, 'DELETE', `/api/v1/auth/api-keys/${a.id}`)).status).toBe(204);
    expect(await verifyApiKey(deps, a.key)).toBeNull();
    expect(await verifyApiKey(deps, b.key)).not.toBeNull();
    expect((await call(owner, 'DELETE', `/api/v1/auth/api-keys/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('verifies keys for the gateway on the internal route', async () => {
    const owner = await createUser(deps, ['user', 'kb_viewer']);
    const { key, id } = await create(owner, { name: 'gw' });
    const ok = await call(GATEWAY_SERVICE_PRINCIPAL, 'POST', '/internal/api-keys/verify', { key });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      principal: { userId: owner.userId, email: owner.email, roles: ['user', 'kb_viewer'], authType: 'api_key', keyId: id },
      validUntil: null,
    });
    const bad = await call(GATEWAY_SERVICE_PRINCIPAL, 'POST', '/internal/api-keys/verify', { key: `${key}x` });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', details: { reason: 'invalid_api_key' } } });
    expect((await call(owner, 'POST', '/internal/api-keys/verify', { key })).status).toBe(403);
    expect((await call(GATEWAY_SERVICE_PRINCIPAL, 'GET', '/api/v1/auth/api-keys')).status).toBe(403);
  });

  it('answers 401 when the calling user does not exist (any more)', async () => {
    const ghost: Principal = { userId: crypto.randomUUID(), email: null, roles: ['user'], authType: 'supabase_jwt' };
    const res = await call(ghost, 'POST', '/api/v1/auth/api-keys', { name: 'x' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', details: { reason: 'revoked' } } });
  });
});

describe.each(kvBackends().filter((b) => b.name !== 'upstash'))('revocation events on $name KV', (kvBackend) => {
  it('reach a subscriber within a second', async () => {
    const backend = dbBackends()[0]!;
    const isolated = await isolatedDb(backend);
    const deps = await accessDeps(isolated.db);
    const kv = await kvBackend.create();
    const withKv = { ...deps, kv };
    try {
      const owner = await createUser(deps, ['user']);
      const t = await accessApp(withKv);
      const res = await t.app.request('/api/v1/auth/api-keys', {
        method: 'POST',
        headers: await t.as(owner),
        body: JSON.stringify({ name: 'k' }),
      });
      const { key, id } = (await res.json()) as CreatedApiKey;
      let deliver!: (message: string) => void;
      const received = new Promise<string>((resolve) => (deliver = resolve));
      const unsubscribe = await kv.subscribe(REVOCATIONS_CHANNEL, (message) => deliver(message));
      const started = Date.now();
      await revokeApiKey(withKv, id, { userId: owner.userId, isAdmin: false, isSuperAdmin: false });
      const timeout = sleep(1000).then(() => 'timed out');
      const message = await Promise.race([received, timeout]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(JSON.parse(message)).toEqual({ type: 'api_key', keyHash: await hashApiKey(key), reason: 'revoked' });
      await unsubscribe();
    } finally {
      await kv.close();
      await deps.runtime.close();
      await isolated.close();
    }
  });
});
