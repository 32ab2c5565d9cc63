import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../lib/auth/types.ts';
import {
  bearer,
  createApiKey,
  createGatewayTestbed,
  eventually,
  type GatewayTestbed,
  jsonRequest,
  kvGroupBackends,
  randomIp,
  signUp,
  socketEnv,
  type TestUser,
} from './testing.ts';

type Gateway = ReturnType<GatewayTestbed['gateway']>;

/**
 * Taking access away, seen from two gateway instances that share only the KV (one in-memory KV, or a Redis client
 * each, as two processes would): a demotion, a logout, a reused refresh token and a revoked API key end what the old
 * credentials can do — at once for admin actions, within a second for everything else, on every instance.
 */
describe.each(kvGroupBackends())('revocations across two gateways on $name', ({ group: makeGroup }) => {
  let group: ReturnType<typeof makeGroup>;
  let bed: GatewayTestbed;
  let a: Gateway;
  let b: Gateway;
  beforeAll(async () => {
    group = makeGroup();
    bed = await createGatewayTestbed({ kv: group.client() });
    a = bed.gateway({ kv: group.client() });
    b = bed.gateway({ kv: group.client() });
    // Subscriptions are set up in the background when an app is built; give them a moment on Redis.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  afterAll(async () => {
    await bed?.close();
    await group?.close();
  });

  const env = () => socketEnv(randomIp());
  const login = async (gw: Gateway, user: TestUser) => {
    const res = await gw.request('/api/v1/auth/login', jsonRequest('POST', { email: user.email, password: user.password }), env());
    expect(res.status).toBe(200);
    return (await res.json()) as { access_token: string; refresh_token: string };
  };
  /** A signed-up user holding `roles` (set in the database), signed in again so its token carries them. */
  const userWith = async (roles: Role[]) => {
    const user = await signUp(a);
    await bed.runtime.db.query('delete from auth.user_roles where user_id = $1', [user.userId]);
    for (const role of roles) await bed.runtime.db.query('insert into auth.user_roles (user_id, role) values ($1, $2)', [user.userId, role]);
    return { ...user, accessToken: (await login(a, user)).access_token };
  };
  const status = async (gw: Gateway, path: string, token: string, init: RequestInit = {}) =>
    (await gw.request(path, { ...init, headers: { ...bearer(token), ...(init.headers as Record<string, string>) } }, env())).status;
  const refusal = async (gw: Gateway, path: string, token: string) => {
    const res = await gw.request(path, { headers: bearer(token) }, env());
    return { status: res.status, body: (await res.json()) as { error?: { details?: { reason?: string } } } };
  };

  it("a demoted admin's token can do no admin action at once, and nothing else within a second, on every instance", async () => {
    const root = await userWith(['super_admin']);
    const admin = await userWith(['admin', 'user']);
    const access = `/api/v1/auth/admin/users/${admin.userId}`;
    // Both instances know the admin's token (verified, cached) before the demotion.
    for (const gw of [a, b]) {
      expect(await status(gw, access, admin.accessToken)).toBe(200);
      expect(await status(gw, '/api/v1/conversations', admin.accessToken)).toBe(200);
    }

    const demoted = await a.request(`${access}/roles`, jsonRequest('PUT', { roles: ['user'] }, bearer(root)), env());
    expect(demoted.status).toBe(200);
    const at = Date.now();
    // At once, on the other instance: the stale admin token cannot give itself the role back, nor read users.
    const undo = await status(b, `${access}/roles`, admin.accessToken, jsonRequest('PUT', { roles: ['admin', 'user'] }));
    expect([401, 403]).toContain(undo);
    expect(await status(b, access, admin.accessToken)).toBe(401);
    // Within a second, every instance refuses the token for anything (it predates the change of roles).
    const waited = Math.max(
      ...(await Promise.all(
        [a, b].map((gw) => eventually(async () => (await status(gw, '/api/v1/conversations', admin.accessToken)) === 401, 1_000)),
      )),
    );
    expect(Date.now() - at).toBeLessThan(1_000);
    expect(waited).toBeLessThan(1_000);
    const refused = await refusal(b, '/api/v1/kb/tree', admin.accessToken);
    expect(refused).toMatchObject({ status: 401, body: { error: { details: { reason: 'outdated' } } } });
    expect(await (await b.request('/api/v1/conversations', { headers: bearer(admin.accessToken) }, env())).json()).toEqual({
      detail: 'Not authenticated. Provide a valid JWT or API Key.',
    });

    // The demotion stands; a new sign-in gets a token with the new roles; the change is in the audit log.
    const now = await b.request(access, { headers: bearer(root) }, env());
    expect(((await now.json()) as { roles: string[] }).roles).toEqual(['user']);
    const fresh = await login(b, admin);
    expect(decodeJwt(fresh.access_token).roles).toEqual(['user']);
    expect(await status(a, '/api/v1/conversations', fresh.access_token)).toBe(200);
    expect(await status(a, access, fresh.access_token)).toBe(403);
    const log = await a.request(`/api/v1/auth/admin/role-changes?user_id=${admin.userId}`, { headers: bearer(root) }, env());
    expect(log.status).toBe(200);
    const { changes } = (await log.json()) as { changes: Record<string, unknown>[] };
    expect(changes[0]).toMatchObject({
      actor_id: root.userId,
      actor_email: root.email,
      target_id: admin.userId,
      target_email: admin.email,
      from: ['admin', 'user'],
      to: ['user'],
    });
    expect(Date.parse(changes[0]!.created_at as string)).toBeGreaterThan(at - 5_000);
    expect(await status(a, '/api/v1/auth/admin/role-changes', fresh.access_token)).toBe(403);
  });

  it("a demoted admin's API key loses the role at once for admin actions", async () => {
    const root = await userWith(['super_admin']);
    const admin = await userWith(['admin', 'user']);
    const { key } = await createApiKey(a, admin);
    const access = `/api/v1/auth/admin/users/${root.userId}`;
    const withKey = (gw: Gateway, path: string) => gw.request(path, { headers: { 'x-api-key': key } }, env());
    for (const gw of [a, b]) expect((await withKey(gw, access)).status).toBe(200);
    const demoted = await a.request(`/api/v1/auth/admin/users/${admin.userId}/roles`, jsonRequest('PUT', { roles: ['user'] }, bearer(root)), env());
    expect(demoted.status).toBe(200);
    expect((await withKey(b, access)).status).toBe(403);
    expect((await withKey(b, '/api/v1/conversations')).status).toBe(200); // still the user's key
  });

  it('logout ends the session: its access tokens are refused on every instance within a second', async () => {
    const user = await signUp(a);
    const session = await login(a, user);
    const other = await login(a, user);
    for (const gw of [a, b]) expect(await status(gw, '/api/v1/conversations', session.access_token)).toBe(200);
    const out = await b.request('/api/v1/auth/logout', jsonRequest('POST', { refresh_token: session.refresh_token }, bearer(session.access_token)), env());
    expect(out.status).toBe(200);
    for (const gw of [a, b]) {
      const waited = await eventually(async () => (await status(gw, '/api/v1/conversations', session.access_token)) === 401, 1_000);
      expect(waited).toBeLessThan(1_000);
    }
    expect(await refusal(a, '/api/v1/kb/tree', session.access_token)).toMatchObject({
      status: 401,
      body: { error: { details: { reason: 'revoked' } } },
    });
    // Only that session ended.
    expect(await status(a, '/api/v1/conversations', other.access_token)).toBe(200);
    expect(await status(b, '/api/v1/conversations', other.access_token)).toBe(200);
  });

  it("a reused refresh token ends the session: both the thief's and the owner's access tokens are refused", async () => {
    const user = await signUp(a);
    const first = await login(a, user);
    const rotated = await a.request('/api/v1/auth/refresh', jsonRequest('POST', { refresh_token: first.refresh_token }), env());
    const second = (await rotated.json()) as { access_token: string };
    for (const gw of [a, b]) {
      expect(await status(gw, '/api/v1/conversations', first.access_token)).toBe(200);
      expect(await status(gw, '/api/v1/conversations', second.access_token)).toBe(200);
    }
    const reused = await b.request('/api/v1/auth/refresh', jsonRequest('POST', { refresh_token: first.refresh_token }), env());
    expect(reused.status).toBe(400);
    for (const gw of [a, b]) {
      for (const token of [first.access_token, second.access_token]) {
        expect(await eventually(async () => (await status(gw, '/api/v1/conversations', token)) === 401, 1_000)).toBeLessThan(1_000);
      }
    }
  });

  it('revoking an API key ends the tokens exchanged for it (api-key-login) on every instance', async () => {
    const user = await signUp(a);
    const { id, key } = await createApiKey(a, user);
    const exchanged = await a.request('/api/v1/auth/api-key-login', { method: 'POST', headers: { 'x-api-key': key } }, env());
    const { access_token: token } = (await exchanged.json()) as { access_token: string };
    for (const gw of [a, b]) expect(await status(gw, '/api/v1/conversations', token)).toBe(200);
    expect((await b.request(`/api/v1/auth/api-keys/${id}`, { method: 'DELETE', headers: bearer(user) }, env())).status).toBe(204);
    for (const gw of [a, b]) {
      expect(await eventually(async () => (await status(gw, '/api/v1/conversations', token)) === 401, 1_000)).toBeLessThan(1_000);
      expect((await gw.request('/api/v1/conversations', { headers: { 'x-api-key': key } }, env())).status).toBe(401);
    }
  });

  it('a plain admin cannot revoke or rotate a super_admin\'s API keys; a super_admin can revoke them', async () => {
    const root = await userWith(['super_admin']);
    const otherRoot = await userWith(['super_admin']);
    const admin = await userWith(['admin']);
    const { id } = await createApiKey(a, root);
    const revoke = await a.request(`/api/v1/auth/api-keys/${id}`, { method: 'DELETE', headers: bearer(admin) }, env());
    expect(revoke.status).toBe(403);
    expect(((await revoke.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const rotate = await a.request(`/api/v1/auth/api-keys/${id}/rotate`, jsonRequest('POST', {}, bearer(admin)), env());
    expect(rotate.status).toBe(404);
    const keys = await a.request(`/api/v1/auth/api-keys?user_id=${root.userId}`, { headers: bearer(root) }, env());
    expect(((await keys.json()) as { keys: { id: string }[] }).keys.map((k) => k.id)).toEqual([id]);
    expect((await a.request(`/api/v1/auth/api-keys/${id}`, { method: 'DELETE', headers: bearer(otherRoot) }, env())).status).toBe(204);
  });
});
