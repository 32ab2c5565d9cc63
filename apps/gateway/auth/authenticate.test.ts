import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ISSUER } from '../../auth/testing.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../../lib/auth/internal-token.ts';
import { generateSigningKey, importSigningKey } from '../../../lib/auth/signing-keys.ts';
import { signToken } from '../../../lib/auth/tokens.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { inProcessClient } from '../../../lib/service/client.ts';
import { readCredentials } from './authenticate.ts';
import { isPublicPath, needsCredentials, wireFormat } from './paths.ts';
import {
  bearer,
  createApiKey,
  createGatewayTestbed,
  type GatewayTestbed,
  identityEchoService,
  jsonRequest,
  signUp,
  type TestUser,
} from './testing.ts';

const NOT_AUTHENTICATED = { detail: 'Not authenticated. Provide a valid JWT or API Key.' };
const INVALID_KEY = { detail: 'Could not validate credentials' };

describe('credentials and paths', () => {
  it('reads Bearer (any case) as a JWT, Bearer gaia_… and X-API-Key as keys, X-API-Key first', () => {
    expect(readCredentials('Bearer abc.def.ghi', undefined)).toEqual({ jwt: 'abc.def.ghi' });
    expect(readCredentials('bEaReR   abc.def.ghi ', undefined)).toEqual({ jwt: 'abc.def.ghi' });
    expect(readCredentials('Basic dXNlcjpwYXNz', undefined)).toEqual({});
    expect(readCredentials('Bearer gaia_test_abc', undefined)).toEqual({ apiKey: 'gaia_test_abc' });
    expect(readCredentials('Bearer gaia_test_abc', 'gaia_test_xyz')).toEqual({ apiKey: 'gaia_test_xyz' });
    expect(readCredentials('Bearer a.b.c', 'gaia_test_xyz')).toEqual({ jwt: 'a.b.c', apiKey: 'gaia_test_xyz' });
    expect(readCredentials(undefined, '')).toEqual({});
  });

  it('knows which paths are public and which wire format each family uses', () => {
    for (const path of ['/', '/health', '/ready', '/openapi.json', '/docs', '/docs/assets/x.css', '/.well-known/jwks.json']) {
      expect(isPublicPath(path), path).toBe(true);
    }
    for (const path of ['/auth/login', '/api/v1/auth/register', '/api/v0.3/auth/api-key-login', '/auth/health', '/api/v1/assets/test']) {
      expect(isPublicPath(path), path).toBe(true);
    }
    // GAIA's game-specific locations route is served by nobody yet: it is not public, it is unknown.
    expect(isPublicPath('/api/v0.3/locations/nearby')).toBe(false);
    for (const path of ['/api/v1/chat', '/api/v1/auth/api-keys', '/v1/chat/completions', '/api/v1/kb/search', '/auth/whatever']) {
      expect(needsCredentials(path), path).toBe(true);
    }
    expect(needsCredentials('/nope')).toBe(false);
    expect(wireFormat('/api/v1/chat')).toBe('gaia');
    expect(wireFormat('/api/v1/conversations/x')).toBe('gaia');
    expect(wireFormat('/api/v0.3/conversations')).toBe('gaia');
    expect(wireFormat('/auth/logout')).toBe('gaia');
    expect(wireFormat('/api/v1/auth/login')).toBe('gaia');
    for (const path of ['/api/v1/kb', '/api/v1/kb/search', '/api/v1/auth/api-keys', '/api/v1/auth/api-keys/1/rotate', '/api/v1/auth/admin/users/1']) {
      expect(wireFormat(path), path).toBe('envelope');
    }
    expect(wireFormat('/api/v1/auth/teams')).toBe('envelope');
    // The asset service: GAIA's list, generate and Asset; our jobs, budget, webhooks, files and DELETE.
    for (const path of ['/api/v1/assets', '/api/v1/assets/generate', '/api/v1/assets/test', '/api/v1/assets/x']) {
      expect(wireFormat(path), path).toBe('gaia');
    }
    for (const path of ['/api/v1/assets/jobs', '/api/v1/assets/jobs/x/events', '/api/v1/assets/budget', '/api/v1/assets/webhooks/meshy', '/api/v1/assets/x/download', '/api/v1/assets/x/preview']) {
      expect(wireFormat(path), path).toBe('envelope');
    }
    expect(wireFormat('/api/v1/assets/x', 'DELETE')).toBe('envelope');
    expect(wireFormat('/api/v1/assets/x', 'delete')).toBe('envelope');
    expect(wireFormat('/api/v1/assets/x', 'GET')).toBe('gaia');
    expect(isPublicPath('/api/v1/assets/webhooks/meshy')).toBe(true);
    expect(isPublicPath('/api/v1/assets/webhooks/../jobs')).toBe(false);
    expect(wireFormat('/v1/chat/completions')).toBe('openai');
  });
});

describe('gateway authentication, end to end', () => {
  let bed: GatewayTestbed;
  let app: ReturnType<GatewayTestbed['gateway']>;
  let ada: TestUser;

  beforeAll(async () => {
    bed = await createGatewayTestbed();
    app = bed.gateway();
    ada = await signUp(app);
  });
  afterAll(() => bed?.close());

  /** A token signed with the auth service's own current key, so only the claims make it bad. */
  async function ourToken(claims: { sub: string; ttlSeconds?: number; now?: number; issuer?: string; type?: string }) {
    const [row] = await bed.runtime.db.query<{ kid: string; alg: string; private_jwk: unknown }>(
      'select kid, alg, private_jwk from auth.signing_keys where retired_at is null',
    );
    const jwk = typeof row!.private_jwk === 'string' ? JSON.parse(row!.private_jwk) : row!.private_jwk;
    const key = await importSigningKey({ ...jwk, kid: row!.kid, alg: row!.alg });
    return signToken(key, { email: ada.email, roles: ['user'] }, {
      issuer: claims.issuer ?? TEST_ISSUER,
      audience: 'authenticated',
      subject: claims.sub,
      ttlSeconds: claims.ttlSeconds ?? 900,
      type: claims.type ?? 'at+jwt',
      ...(claims.now === undefined ? {} : { now: claims.now }),
    });
  }

  const me = (headers: Record<string, string>) => app.request('/api/v1/auth/me', { headers });
  const keys = (headers: Record<string, string>) => app.request('/api/v1/auth/api-keys', { headers });

  it('accepts our access token and forwards the caller to the service (/api/v1/auth/me)', async () => {
    const res = await me(bearer(ada));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.user).toMatchObject({ id: ada.userId, email: ada.email });
    expect(body.roles).toEqual(['user']);
    expect((await me({ authorization: `bearer ${ada.accessToken}` })).status).toBe(200);
  });

  it('refuses protected paths without credentials: GAIA body on GAIA paths, the envelope on ours', async () => {
    const gaia = await app.request('/api/v1/conversations');
    expect(gaia.status).toBe(401);
    expect(await gaia.json()).toEqual(NOT_AUTHENTICATED);
    const v03 = await app.request('/api/v0.3/chat', jsonRequest('POST', { message: 'hi' }));
    expect(await v03.json()).toEqual(NOT_AUTHENTICATED);
    const ours = await keys({});
    expect(ours.status).toBe(401);
    expect((await ours.json()).error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'missing_credentials' } });
    const basic = await keys({ authorization: 'Basic dXNlcjpwYXNz' });
    expect((await basic.json()).error.details).toEqual({ reason: 'missing_credentials' });
  });

  it('lets public paths through without credentials', async () => {
    expect((await app.request('/auth/health')).status).toBe(200);
    expect((await app.request('/.well-known/jwks.json')).status).toBe(200);
    const login = await app.request('/api/v1/auth/login', jsonRequest('POST', { email: ada.email, password: 'wrong password' }));
    expect(login.status).toBe(400);
    // GAIA's `me` is public at the gateway: the auth service answers its own 401.
    expect(await (await me({})).json()).toEqual(NOT_AUTHENTICATED);
  });

  it('treats tampered, expired, wrongly issued and alg-none tokens as absent, naming the reason on our routes', async () => {
    const [head, payload, signature] = ada.accessToken.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const tampered = `${head}.${payload}.${flipped}`;
    const expired = await ourToken({ sub: ada.userId, ttlSeconds: 60, now: Date.now() - 3_600_000 });
    const otherIssuer = await ourToken({ sub: ada.userId, issuer: 'https://evil.example' });
    const none = `${btoa(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).replace(/=+$/, '')}.${payload}.`;
    const cases: [string, string][] = [
      [tampered, 'bad_signature'],
      [expired, 'expired'],
      [otherIssuer, 'wrong_issuer'],
      [none, 'wrong_algorithm'],
      ['not-a-jwt', 'malformed'],
    ];
    for (const [token, reason] of cases) {
      const gaia = await app.request('/api/v1/conversations', { headers: bearer(token) });
      expect(gaia.status, reason).toBe(401);
      expect(await gaia.json()).toEqual(NOT_AUTHENTICATED);
      const ours = await keys(bearer(token));
      expect(ours.status, reason).toBe(401);
      expect((await ours.json()).error.details, reason).toEqual({ reason });
      // On a public path the bad token is ignored: the caller is anonymous.
      expect(await (await me(bearer(token))).json()).toEqual(NOT_AUTHENTICATED);
    }
  });

  it('accepts API keys as X-API-Key and as Bearer gaia_…, and refuses unknown and revoked keys', async () => {
    const { id, key } = await createApiKey(app, ada);
    const ways: Record<string, string>[] = [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }];
    for (const headers of ways) {
      const res = await me(headers);
      expect(res.status).toBe(200);
      expect((await res.json()).user.id).toBe(ada.userId);
      expect((await keys(headers)).status).toBe(200);
    }
    const unknown = `gaia_test_${'x'.repeat(33)}`;
    const gaia = await app.request('/api/v1/conversations', { headers: { 'x-api-key': unknown } });
    expect(gaia.status).toBe(401);
    expect(await gaia.json()).toEqual(INVALID_KEY);
    expect(await (await app.request('/api/v1/conversations', { headers: { 'x-api-key': 'nonsense' } })).json()).toEqual(INVALID_KEY);
    expect((await (await keys({ 'x-api-key': unknown })).json()).error).toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'invalid_api_key' },
    });

    const revoked = await app.request(`/api/v1/auth/api-keys/${id}`, { method: 'DELETE', headers: bearer(ada) });
    expect(revoked.status).toBe(204);
    const after = await app.request('/api/v1/conversations', { headers: { 'x-api-key': key } });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual(INVALID_KEY);
  });

  it('lets a valid JWT win over a key, and a valid key rescue an invalid JWT', async () => {
    const { key } = await createApiKey(app, ada);
    const withBadKey = await me({ ...bearer(ada), 'x-api-key': `gaia_test_${'y'.repeat(33)}` });
    expect(withBadKey.status).toBe(200);
    const withBadJwt = await me({ authorization: 'Bearer not.a.jwt', 'x-api-key': key });
    expect(withBadJwt.status).toBe(200);
    expect((await withBadJwt.json()).user.id).toBe(ada.userId);
  });

  it('strips an identity token forged by the client, even one signed with the real key', async () => {
    const admin: Principal = { userId: crypto.randomUUID(), email: 'root@example.com', roles: ['super_admin'], authType: 'jwt' };
    const forged = await signInternalToken(bed.internalKey, admin, { audience: 'auth' });
    expect(await (await me({ [INTERNAL_TOKEN_HEADER]: forged })).json()).toEqual(NOT_AUTHENTICATED);
    const asAda = await me({ [INTERNAL_TOKEN_HEADER]: forged, ...bearer(ada) });
    expect((await asAda.json()).user.id).toBe(ada.userId);
    const gaia = await app.request('/api/v1/conversations', { headers: { [INTERNAL_TOKEN_HEADER]: forged } });
    expect(gaia.status).toBe(401);
  });

  it('forwards an anonymous principal on public paths and the caller elsewhere, to every service', async () => {
    const kb = identityEchoService('kb', bed.internalKey);
    const asset = identityEchoService('asset', bed.internalKey);
    const gw = bed.gateway({ services: { ...bed.services, kb: kb.client, asset: asset.client } });
    const anonymous = await (await gw.request('/api/v1/assets/test')).json();
    expect(anonymous.principal).toEqual({ userId: 'anonymous', email: null, roles: [], authType: 'anonymous' });
    const known = await (await gw.request('/api/v1/kb/whoami', { headers: bearer(ada) })).json();
    expect(known.principal).toEqual({ userId: ada.userId, email: ada.email, roles: ['user'], authType: 'jwt' });
    const { key, id } = await createApiKey(gw, ada);
    const byKey = await (await gw.request('/api/v1/kb/whoami', { headers: { 'x-api-key': key } })).json();
    expect(byKey.principal).toMatchObject({ userId: ada.userId, authType: 'api_key', keyId: id });
  });

  it('answers a credential-store failure with 500 (GAIA) or 503 (ours), and lets public paths through', async () => {
    const down = inProcessClient('auth', (request) => {
      if (new URL(request.url).pathname.startsWith('/internal/')) throw new Error('connect ECONNREFUSED');
      return bed.platform.services.auth.fetch(request);
    });
    const gw = bed.gateway({ services: { ...bed.services, auth: down } });
    const key = `gaia_test_${'z'.repeat(33)}`;
    const gaia = await gw.request('/api/v1/conversations', { headers: { 'x-api-key': key } });
    expect(gaia.status).toBe(500);
    expect(await gaia.json()).toEqual({ detail: 'Authentication service error' });
    const ours = await gw.request('/api/v1/auth/api-keys', { headers: { 'x-api-key': key } });
    expect(ours.status).toBe(503);
    expect((await ours.json()).error.code).toBe('SERVICE_UNAVAILABLE');
    expect((await gw.request('/auth/health', { headers: { 'x-api-key': key } })).status).toBe(200);
    // JWTs need no call to the auth service once its keys are known.
    expect((await gw.request('/api/v1/auth/me', { headers: bearer(ada) })).status).toBe(200);
  });
});

describe('Supabase tokens at the gateway', () => {
  const secret = 'super-secret-jwt-token-with-at-least-32-characters-long';
  let bed: GatewayTestbed;
  beforeAll(async () => {
    bed = await createGatewayTestbed();
  });
  afterAll(() => bed?.close());

  const supabaseToken = (sub: string, email: string, options: { secret?: string; exp?: number } = {}) =>
    new SignJWT({ email, role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setAudience('authenticated')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 3600)
      .sign(new TextEncoder().encode(options.secret ?? secret));

  /** The platform's auth service, counting the provisioning calls the gateway makes (and their bodies). */
  const countingAuth = () => {
    const provisioned: unknown[] = [];
    const client = inProcessClient('auth', async (request) => {
      if (new URL(request.url).pathname === '/internal/users/provision') provisioned.push(await request.clone().json());
      return bed.platform.services.auth.fetch(request);
    });
    return { client, provisioned };
  };
  const supabaseOptions = { corsOrigins: [], bodyLimitBytes: 1024, upstreamTimeoutMs: 5_000, healthTimeoutMs: 500, authIssuer: TEST_ISSUER, supabase: { jwtSecret: secret } };

  it('verifies HS256 tokens, provisions a new subject once, and caches the principal in the KV', async () => {
    const auth = countingAuth();
    const kb = identityEchoService('kb', bed.internalKey);
    const gw = bed.gateway({ services: { ...bed.services, auth: auth.client, kb: kb.client }, options: supabaseOptions });
    const sub = crypto.randomUUID();
    const email = `sb-${sub}@example.com`;
    const first = await (await gw.request('/api/v1/kb/whoami', { headers: bearer(await supabaseToken(sub, email)) })).json();
    // `role: admin` in a Supabase token is not a platform role: the user is what provisioning says.
    expect(first.principal).toEqual({ userId: sub, email, roles: ['user'], authType: 'supabase_jwt' });
    expect(auth.provisioned).toEqual([{ issuer: 'supabase', subject: sub, email }]);
    expect(JSON.parse((await bed.runtime.kv.get(`gw:identity:supabase:${sub}`)) ?? 'null')).toMatchObject({ principal: { userId: sub } });

    // A new token for the same subject, on another gateway instance sharing the KV: no second provisioning.
    const other = bed.gateway({ services: { ...bed.services, auth: auth.client, kb: kb.client }, options: supabaseOptions });
    const again = await other.request('/api/v1/kb/whoami', { headers: bearer(await supabaseToken(sub, email)) });
    expect((await again.json()).principal.userId).toBe(sub);
    expect(auth.provisioned).toHaveLength(1);

    const forged = await gw.request('/api/v1/kb/whoami', { headers: bearer(await supabaseToken(sub, 'x@example.com', { secret: `${secret}!` })) });
    expect((await forged.json()).error.details).toEqual({ reason: 'bad_signature' });
    const expired = await supabaseToken(sub, 'x@example.com', { exp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await (await gw.request('/api/v1/kb/whoami', { headers: bearer(expired) })).json()).error.details).toEqual({ reason: 'expired' });
  });

  it("keys an external identity by subject: another subject with a user's email is a user of its own", async () => {
    const auth = countingAuth();
    const kb = identityEchoService('kb', bed.internalKey);
    const logger = createMemoryLogger('warn');
    const gw = bed.gateway({ services: { ...bed.services, auth: auth.client, kb: kb.client }, options: supabaseOptions, logger });
    const password = await signUp(gw);
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    const whoami = async (sub: string) =>
      (await (await gw.request('/api/v1/kb/whoami', { headers: bearer(await supabaseToken(sub, password.email)) })).json()).principal;
    expect(await whoami(a)).toMatchObject({ userId: a, email: password.email, authType: 'supabase_jwt' });
    expect(await whoami(b)).toMatchObject({ userId: b, email: password.email });
    // The password user is still itself.
    const me = await (await gw.request('/api/v1/auth/me', { headers: bearer(password) })).json();
    expect(me.user.id).toBe(password.userId);

    // Every refused credential: one warn line with its reason, never the credential.
    const forged = await supabaseToken(a, password.email, { secret: `${secret}!` });
    await gw.request('/api/v1/kb/whoami', { headers: bearer(forged) });
    await gw.request('/api/v1/kb/whoami', { headers: { 'x-api-key': `gaia_test_${'Z'.repeat(33)}` } });
    const refused = logger.entries().filter((e) => e.msg === 'credential refused');
    expect(refused.map((e) => [e.level, e.kind, e.reason])).toEqual([
      ['warn', 'jwt', 'bad_signature'],
      ['warn', 'api_key', 'invalid_api_key'],
    ]);
    expect(logger.lines.join('\n')).not.toContain(forged.split('.')[2]);
    expect(logger.lines.join('\n')).not.toContain('Z'.repeat(33));
  });

  it('refuses HS256 tokens when Supabase is not configured', async () => {
    const gw = bed.gateway();
    const res = await gw.request('/api/v1/auth/api-keys', { headers: bearer(await supabaseToken(crypto.randomUUID(), 'a@example.com')) });
    expect(res.status).toBe(401);
    expect((await res.json()).error.details).toEqual({ reason: 'wrong_algorithm' });
  });

  it('accepts a subject shaped like a UUID that is not an RFC one (one definition of a UUID everywhere)', async () => {
    const gw = bed.gateway({ options: supabaseOptions });
    const sub = `12345678-1234-1234-1234-${crypto.randomUUID().slice(-12)}`;
    const token = await supabaseToken(sub, `odd-${sub}@example.com`);
    for (let i = 0; i < 2; i++) expect((await gw.request('/api/v1/conversations', { headers: bearer(token) })).status).toBe(200);
  });

  it('refuses an identity the auth service cannot provision with 401, not 500', async () => {
    const gw = bed.gateway({ options: supabaseOptions });
    // A `sub` longer than any identity the auth service keeps: it answers 400, the gateway 401.
    const token = await supabaseToken('s'.repeat(300), 'long@example.com');
    const res = await gw.request('/api/v1/auth/api-keys', { headers: bearer(token) });
    expect(res.status).toBe(401);
    expect((await res.json()).error.details).toEqual({ reason: 'unprovisionable_identity' });
    expect(await (await gw.request('/api/v1/conversations', { headers: bearer(token) })).json()).toEqual(NOT_AUTHENTICATED);
  });
});

describe('identity tokens', () => {
  it('are signed per principal and audience and reused for part of their lifetime', async () => {
    const { createIdentityTokens } = await import('../../../lib/auth/identity-tokens.ts');
    let now = Date.now();
    const tokens = createIdentityTokens(await generateSigningKey('t'), { now: () => now });
    const ada: Principal = { userId: crypto.randomUUID(), email: 'ada@example.com', roles: ['user'], authType: 'jwt' };
    const first = await tokens.get(ada, 'kb');
    expect(await tokens.get({ ...ada }, 'kb')).toBe(first);
    expect(await tokens.get(ada, 'chat')).not.toBe(first);
    expect(await tokens.get({ ...ada, roles: ['admin'] }, 'kb')).not.toBe(first);
    now += 31_000;
    expect(await tokens.get(ada, 'kb')).not.toBe(first);
  });
});
