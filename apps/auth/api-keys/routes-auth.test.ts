import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../../lib/auth/internal-token.ts';
import { generateSigningKey } from '../../../lib/auth/signing-keys.ts';
import { GATEWAY_SERVICE_PRINCIPAL, type Principal } from '../../../lib/auth/types.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import type { CreatedApiKey } from './routes/create-api-key.ts';
import type { Team } from './routes/create-team.ts';
import {
  type AccessTestApp,
  type AccessTestDeps,
  accessApp,
  accessDeps,
  createUser,
  isolatedDb,
} from './test-support.ts';

interface RouteCase {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Builds a fresh target (path and body) for one request. */
  target: () => Promise<{ path: string; body?: unknown }>;
  /** A caller that is authenticated but lacks the permission. */
  denied: () => Principal;
  allowed: () => Principal;
  status: number;
}

describe.each(dbBackends())('access routes: authentication and authorisation on $name', (backend) => {
  let closeDb: () => Promise<void>;
  let deps: AccessTestDeps;
  let t: AccessTestApp;
  let owner: Principal;
  let admin: Principal;
  let viewer: Principal;
  let kbViewer: Principal;
  let someone: Principal;

  beforeAll(async () => {
    const isolated = await isolatedDb(backend);
    closeDb = isolated.close;
    deps = await accessDeps(isolated.db);
    t = await accessApp(deps);
    owner = await createUser(deps, ['user']);
    admin = await createUser(deps, ['admin']);
    viewer = await createUser(deps, ['viewer']);
    kbViewer = await createUser(deps, ['kb_viewer']);
    someone = await createUser(deps, ['user']);
  });
  afterAll(async () => {
    await deps?.runtime.close();
    await closeDb?.();
  });

  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    t.app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const as = async (principal: Principal, method: string, path: string, body?: unknown) =>
    send(method, path, await t.as(principal), body);

  const newKey = async () =>
    ((await (await as(owner, 'POST', '/api/v1/auth/api-keys', { name: 'fixture' })).json()) as CreatedApiKey);
  const newTeam = async () =>
    ((await (await as(owner, 'POST', '/api/v1/auth/teams', { name: `team-${crypto.randomUUID()}` })).json()) as Team);

  const cases: RouteCase[] = [
    {
      operationId: 'createApiKey',
      method: 'POST',
      target: async () => ({ path: '/api/v1/auth/api-keys', body: { name: 'k' } }),
      denied: () => viewer,
      allowed: () => owner,
      status: 201,
    },
    {
      operationId: 'listApiKeys',
      method: 'GET',
      target: async () => ({ path: '/api/v1/auth/api-keys' }),
      denied: () => kbViewer,
      allowed: () => viewer,
      status: 200,
    },
    {
      operationId: 'revokeApiKey',
      method: 'DELETE',
      target: async () => ({ path: `/api/v1/auth/api-keys/${(await newKey()).id}` }),
      denied: () => viewer,
      allowed: () => owner,
      status: 204,
    },
    {
      operationId: 'rotateApiKey',
      method: 'POST',
      target: async () => ({ path: `/api/v1/auth/api-keys/${(await newKey()).id}/rotate`, body: { grace_seconds: 60 } }),
      denied: () => viewer,
      allowed: () => owner,
      status: 201,
    },
    {
      operationId: 'verifyApiKey',
      method: 'POST',
      target: async () => ({ path: '/internal/api-keys/verify', body: { key: (await newKey()).key } }),
      denied: () => admin,
      allowed: () => GATEWAY_SERVICE_PRINCIPAL,
      status: 200,
    },
    {
      operationId: 'listUserTeams',
      method: 'GET',
      target: async () => ({ path: `/internal/users/${someone.userId}/teams` }),
      denied: () => admin,
      allowed: () => GATEWAY_SERVICE_PRINCIPAL,
      status: 200,
    },
    {
      operationId: 'getUserAccess',
      method: 'GET',
      target: async () => ({ path: `/api/v1/auth/admin/users/${someone.userId}` }),
      denied: () => owner,
      allowed: () => admin,
      status: 200,
    },
    {
      operationId: 'putUserRoles',
      method: 'PUT',
      target: async () => ({ path: `/api/v1/auth/admin/users/${someone.userId}/roles`, body: { roles: ['user'] } }),
      denied: () => owner,
      allowed: () => admin,
      status: 200,
    },
    {
      operationId: 'createTeam',
      method: 'POST',
      target: async () => ({ path: '/api/v1/auth/teams', body: { name: `team-${crypto.randomUUID()}` } }),
      denied: () => viewer,
      allowed: () => owner,
      status: 201,
    },
    {
      operationId: 'listTeams',
      method: 'GET',
      target: async () => ({ path: '/api/v1/auth/teams' }),
      denied: () => kbViewer,
      allowed: () => viewer,
      status: 200,
    },
    {
      operationId: 'putTeamMember',
      method: 'PUT',
      target: async () => ({ path: `/api/v1/auth/teams/${(await newTeam()).id}/members/${someone.userId}`, body: { role: 'member' } }),
      denied: () => viewer,
      allowed: () => owner,
      status: 200,
    },
    {
      operationId: 'deleteTeamMember',
      method: 'DELETE',
      target: async () => {
        const team = await newTeam();
        await as(owner, 'PUT', `/api/v1/auth/teams/${team.id}/members/${someone.userId}`, { role: 'member' });
        return { path: `/api/v1/auth/teams/${team.id}/members/${someone.userId}` };
      },
      denied: () => viewer,
      allowed: () => owner,
      status: 204,
    },
  ];

  const errorOf = async (res: Response) =>
    ({ status: res.status, ...((await res.json()) as { error: object }).error }) as {
      status: number;
      code: string;
      details?: { reason?: string };
    };

  it.each(cases)('$operationId: 401 without credentials', async ({ method, target }) => {
    const { path, body } = await target();
    const err = await errorOf(await send(method, path, {}, body));
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', details: { reason: 'missing_credentials' } });
  });

  it.each(cases)('$operationId: 401 with the reason for forged, expired and misdirected tokens', async (c) => {
    const { path, body } = await c.target();
    const forger = await generateSigningKey(t.gatewayKey.kid);
    const principal = c.allowed();
    const tokens: [string, string][] = [
      [await signInternalToken(forger, principal, { audience: 'auth' }), 'bad_signature'],
      [await signInternalToken(t.gatewayKey, principal, { audience: 'auth', now: Date.now() - 5 * 60_000 }), 'expired'],
      [await signInternalToken(t.gatewayKey, principal, { audience: 'kb' }), 'wrong_audience'],
    ];
    for (const [token, reason] of tokens) {
      const err = await errorOf(await send(c.method, path, { [INTERNAL_TOKEN_HEADER]: token }, body));
      expect(err, reason).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', details: { reason } });
    }
  });

  it.each(cases)('$operationId: 401 for an anonymous principal', async (c) => {
    const { path, body } = await c.target();
    const anonymous: Principal = { userId: 'anonymous', email: null, roles: ['super_admin'], authType: 'anonymous' };
    expect((await as(anonymous, c.method, path, body)).status).toBe(401);
  });

  it.each(cases)('$operationId: 403 for an insufficient role', async (c) => {
    const { path, body } = await c.target();
    const err = await errorOf(await as(c.denied(), c.method, path, body));
    expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it.each(cases)('$operationId: $status for the right role', async (c) => {
    const { path, body } = await c.target();
    const res = await as(c.allowed(), c.method, path, body);
    expect(res.status, await res.clone().text()).toBe(c.status);
  });

  it('documents every operation with its 401 and 403 in the OpenAPI document', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    };
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    for (const { operationId } of cases) {
      const op = operations.find((o) => o.operationId === operationId);
      expect(op, operationId).toBeDefined();
      expect(Object.keys(op!.responses), operationId).toEqual(expect.arrayContaining(['400', '401', '403', '500']));
    }
  });
});
