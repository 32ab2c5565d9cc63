import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsCredentials, wireFormat } from '../apps/gateway/auth/paths.ts';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../lib/auth/internal-token.ts';
import { ALWAYS_PUBLIC_PATHS } from '../lib/auth/middleware.ts';
import { generateSigningKey, type SigningKey } from '../lib/auth/signing-keys.ts';
import { signToken } from '../lib/auth/tokens.ts';
import { GATEWAY_SERVICE_PRINCIPAL, type Principal, ROLES } from '../lib/auth/types.ts';
import { OpenAiErrorSchema } from '../lib/openai/errors.ts';
import { PUBLIC_PATHS } from '../lib/platform/public-paths.ts';
import type { ServiceName } from '../lib/service/types.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/**
 * Every route of every internal service, read from the services' own OpenAPI documents (so a route added later is
 * covered without touching this file), called directly as the gateway would call it:
 * no identity → 401 missing_credentials; forged, expired or other-audience identity → 401 with the reason;
 * an authenticated caller without roles → 403 (every protected route names a permission); a caller with every
 * role (or, for `/internal/*`, the gateway's service identity) → neither 401 nor 403
 * (the route may still refuse the made-up ids and bodies with 400/404/422 — the routes' own tests cover 2xx).
 */
const PUBLIC: Partial<Record<ServiceName, readonly RegExp[]>> = PUBLIC_PATHS;
const SERVICE_ONLY = /^\/internal\//;

let runtime: TestRuntime;
let platform: PlatformApps;
let key: SigningKey;
let rogue: SigningKey;
const routes: { service: ServiceName; method: string; path: string }[] = [];

beforeAll(async () => {
  runtime = await createTestRuntime();
  key = await generateSigningKey('matrix-gateway');
  rogue = await generateSigningKey('matrix-gateway');
  platform = await buildTestPlatform(runtime, { internalKey: key });
  await platform.started;
  for (const [service, app] of Object.entries(platform.services) as [ServiceName, { request: (p: string) => Promise<Response> }][]) {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const isPublic = ALWAYS_PUBLIC_PATHS.includes(concrete) || (PUBLIC[service] ?? []).some((re) => re.test(concrete));
        if (!isPublic) routes.push({ service, method: method.toUpperCase(), path: concrete });
      }
    }
  }
}, 60_000);
afterAll(async () => {
  platform.stop();
  await runtime.close();
});

const user = (roles: Principal['roles'], authType: Principal['authType'] = 'jwt'): Principal => ({
  userId: crypto.randomUUID(),
  email: 'matrix@example.com',
  roles,
  authType,
});

/** `principal` as a user of the auth database, with its roles. */
async function stored(principal: Principal): Promise<Principal> {
  await runtime.db.query('insert into auth.users (id, email) values ($1, $2)', [principal.userId, `${principal.userId}@example.com`]);
  for (const role of principal.roles) await runtime.db.query('insert into auth.user_roles (user_id, role) values ($1, $2)', [principal.userId, role]);
  return principal;
}

async function call(route: (typeof routes)[number], token?: string): Promise<Response> {
  const app = platform.services[route.service as keyof PlatformApps['services']];
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
  return app.request(route.path, {
    method: route.method,
    headers: { ...(token ? { [INTERNAL_TOKEN_HEADER]: token } : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
    ...(hasBody ? { body: '{}' } : {}),
  });
}

async function reason(res: Response): Promise<unknown> {
  return ((await res.json()) as { error?: { details?: { reason?: string } } }).error?.details?.reason;
}

describe('route matrix', () => {
  it('finds the protected routes of every service', () => {
    expect(routes.length).toBeGreaterThan(8);
    expect(routes.some((r) => r.path === '/api/v1/auth/api-keys')).toBe(true);
  });

  it('no identity → 401 missing_credentials, on every protected route', async () => {
    for (const route of routes) {
      const res = await call(route);
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expect(await reason(res), `${route.method} ${route.path}`).toBe('missing_credentials');
    }
  });

  it('forged, expired and misaddressed identities → 401 naming why', async () => {
    const admin = user(['super_admin']);
    for (const route of routes) {
      const where = `${route.method} ${route.path}`;
      const forged = await call(route, await signInternalToken(rogue, admin, { audience: route.service }));
      expect(forged.status, where).toBe(401);
      expect(await reason(forged), where).toBe('bad_signature');
      const expired = await call(route, await signInternalToken(key, admin, { audience: route.service, now: Date.now() - 3_600_000 }));
      expect(expired.status, where).toBe(401);
      expect(await reason(expired), where).toBe('expired');
      const other = route.service === 'kb' ? 'chat' : 'kb';
      const misaddressed = await call(route, await signInternalToken(key, admin, { audience: other }));
      expect(misaddressed.status, where).toBe(401);
      expect(await reason(misaddressed), where).toBe('wrong_audience');
      const anonymous = await call(route, await signInternalToken(key, user([], 'anonymous'), { audience: route.service }));
      expect(anonymous.status, where).toBe(401);
    }
  });

  it('an authenticated caller without the permission → 403; one with every role → allowed past auth', async () => {
    // Stored users: the auth service checks its admin and key routes against the roles in its database.
    const nobody = await stored(user([]));
    const everything = await stored(user([...ROLES]));
    for (const route of routes) {
      const where = `${route.method} ${route.path}`;
      const internal = SERVICE_ONLY.test(route.path);
      const weak = await call(route, await signInternalToken(key, nobody, { audience: route.service }));
      expect(weak.status, where).toBe(403);
      const strong = await call(route, await signInternalToken(key, internal ? GATEWAY_SERVICE_PRINCIPAL : everything, { audience: route.service }));
      expect([401, 403], where).not.toContain(strong.status);
    }
  });
});

/**
 * The same routes as the public sees them: every path of the gateway's merged OpenAPI document that needs credentials
 * is refused by the gateway itself, in the path's wire format, for missing, malformed, forged and revoked credentials
 * and for odd headers — never with a 5xx.
 */
describe('route matrix through the gateway', () => {
  const publicRoutes: { method: string; path: string }[] = [];
  let revokedKey: string;
  let forgedJwt: string;

  beforeAll(async () => {
    const doc = (await (await platform.gateway.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, item] of Object.entries(doc.paths)) {
      const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      if (!needsCredentials(concrete)) continue;
      for (const method of Object.keys(item)) publicRoutes.push({ method: method.toUpperCase(), path: concrete });
    }
    const json = (body: unknown, headers: Record<string, string> = {}) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const registered = await platform.gateway.request(
      '/api/v1/auth/register',
      json({ email: `matrix-${crypto.randomUUID()}@example.com`, password: 'matrix password 1' }),
    );
    const token = ((await registered.json()) as { session: { access_token: string } }).session.access_token;
    const created = (await (await platform.gateway.request('/api/v1/auth/api-keys', json({ name: 'm' }, { authorization: `Bearer ${token}` }))).json()) as {
      id: string;
      key: string;
    };
    revokedKey = created.key;
    const revoked = await platform.gateway.request(`/api/v1/auth/api-keys/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(revoked.status).toBe(204);
    // Same header and claims as a real token, signed by a key the auth service never published.
    const [header, payload] = token.split('.');
    const forger = await generateSigningKey(JSON.parse(atob(header!.replace(/-/g, '+').replace(/_/g, '/'))).kid);
    const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    forgedJwt = await signToken(forger, claims, {
      issuer: String(claims.iss),
      audience: 'authenticated',
      subject: String(claims.sub),
      ttlSeconds: 900,
      type: 'at+jwt',
    });
  });

  it('covers the protected public routes', () => {
    expect(publicRoutes.length).toBeGreaterThan(5);
  });

  it('refuses missing, malformed, forged and revoked credentials with 401 in the right format, never 5xx', async () => {
    const cases: [string, Record<string, string>][] = [
      ['missing', {}],
      ['malformed bearer', { authorization: 'Bearer not.a.jwt' }],
      ['forged jwt', { authorization: `Bearer ${forgedJwt}` }],
      ['revoked key', { 'x-api-key': revokedKey }],
      ['revoked key as bearer', { authorization: `Bearer ${revokedKey}` }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['basic scheme', { authorization: 'Basic Zm9vOmJhcg==' }],
      ['huge bearer', { authorization: `Bearer ${'x'.repeat(20_000)}` }],
      ['empty key', { 'x-api-key': '' }],
    ];
    for (const route of publicRoutes) {
      for (const [label, headers] of cases) {
        const where = `${label}: ${route.method} ${route.path}`;
        const res = await platform.gateway.request(route.path, { method: route.method, headers });
        expect(res.status, where).toBe(401);
        const body = (await res.json()) as { detail?: string; error?: { code: string; details?: { reason?: string } } };
        const format = wireFormat(route.path, route.method);
        if (format === 'gaia') expect(typeof body.detail, where).toBe('string');
        else if (format === 'openai') expect(OpenAiErrorSchema.parse(body).error.code, where).toBe('unauthenticated');
        else expect(body.error?.details?.reason, where).toEqual(expect.any(String));
      }
    }
  });
});
