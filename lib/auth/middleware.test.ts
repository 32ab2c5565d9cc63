import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { createServiceApp } from '../openapi/service-app.ts';
import { Readiness } from '../readiness/readiness.ts';
import { VERSION } from '../version.ts';
import { createInternalTokenVerifier, INTERNAL_TOKEN_HEADER, type InternalTokenVerifier, signInternalToken } from './internal-token.ts';
import { authenticateService, principalOf, requireAuthenticated, requirePermission } from './middleware.ts';
import { generateSigningKey, type SigningKey } from './signing-keys.ts';
import type { Principal } from './types.ts';

const ada: Principal = { userId: '6f1c1a5e-2b9d-4c3e-9a7b-1d2e3f4a5b6c', email: 'ada@example.com', roles: ['user'], authType: 'jwt' };
const anonymous: Principal = { userId: 'anonymous', email: null, roles: [], authType: 'anonymous' };

let key: SigningKey;
let stranger: SigningKey;
let verifier: InternalTokenVerifier;

beforeAll(async () => {
  key = await generateSigningKey('gw-1');
  stranger = await generateSigningKey('gw-1'); // same kid, other key: a forgery
  verifier = createInternalTokenVerifier({ audience: 'kb', jwks: { keys: [key.publicJwk] } });
});

function build(options: { publicPaths?: (string | RegExp)[]; verifier?: InternalTokenVerifier } = {}) {
  const logger = createMemoryLogger();
  const app = createServiceApp({ service: 'kb', version: VERSION, logger, readiness: new Readiness(logger) });
  app.use(authenticateService({ verifier: options.verifier ?? verifier, publicPaths: options.publicPaths ?? [] }));
  app.get('/me', (c) => c.json({ who: c.get('principal')?.userId ?? null }));
  app.get('/public/info', (c) => c.json({ who: c.get('principal')?.userId ?? null }));
  app.get('/pages/:id', (c) => c.json({ who: c.get('principal')?.userId ?? null }));
  app.get('/strict', requireAuthenticated(), (c) => c.json({ who: principalOf(c).userId }));
  app.post('/kb', requirePermission('kb:write'), (c) => c.json({ ok: true }));
  app.post('/kb/share', requirePermission('kb:read', 'kb:share'), (c) => c.json({ ok: true }));
  return app;
}

const token = (principal: Principal, options: { signer?: SigningKey; audience?: 'kb' | 'chat'; now?: number } = {}) =>
  signInternalToken(options.signer ?? key, principal, { audience: options.audience ?? 'kb', now: options.now });
const withToken = async (t: Promise<string> | string) => ({ headers: { [INTERNAL_TOKEN_HEADER]: await t } });

async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; details?: { reason?: string; missing?: string[] } } };
  return { status: res.status, ...body.error };
}

describe('authenticateService', () => {
  it('sets the principal from a valid internal token', async () => {
    const res = await build().request('/me', await withToken(token(ada)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ who: ada.userId });
  });

  it('answers 401 missing_credentials without a token, and for an anonymous principal', async () => {
    const app = build();
    for (const init of [{}, await withToken(token(anonymous))]) {
      const err = await errorOf(await app.request('/me', init));
      expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', details: { reason: 'missing_credentials' } });
    }
  });

  it('answers 401 with the token error reason for forged, expired, foreign-audience and garbage tokens', async () => {
    const app = build();
    const cases: [Promise<string> | string, string][] = [
      [token(ada, { signer: stranger }), 'bad_signature'],
      [token(ada, { now: Date.now() - 10 * 60_000 }), 'expired'],
      [token(ada, { audience: 'chat' }), 'wrong_audience'],
      ['not-a-jwt', 'malformed'],
    ];
    for (const [t, reason] of cases) {
      const err = await errorOf(await app.request('/me', await withToken(t)));
      expect(err, reason).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', details: { reason } });
    }
  });

  it('lets /health, /ready, /openapi.json and listed public paths through without a token', async () => {
    const app = build({ publicPaths: ['/public/info', /^\/pages\/[^/]+$/] });
    for (const path of ['/health', '/ready', '/openapi.json', '/public/info', '/pages/42']) {
      expect((await app.request(path)).status, path).toBe(200);
    }
    expect((await app.request('/me')).status).toBe(401);
  });

  it('on a public path still sets a valid principal, and ignores a bad or anonymous token', async () => {
    const app = build({ publicPaths: ['/public/info'] });
    const read = async (init: RequestInit) => ((await (await app.request('/public/info', init)).json()) as { who: string | null }).who;
    expect(await read(await withToken(token(ada)))).toBe(ada.userId);
    expect(await read(await withToken(token(ada, { signer: stranger })))).toBeNull();
    expect(await read(await withToken(token(anonymous)))).toBeNull();
  });

  it('answers 503 (not 401) when the gateway keys cannot be loaded', async () => {
    const down = createInternalTokenVerifier({
      audience: 'kb',
      jwks: { fetch: () => Promise.reject(new Error('connect ECONNREFUSED')) },
    });
    const err = await errorOf(await build({ verifier: down }).request('/me', await withToken(token(ada))));
    expect(err).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('requirePermission and requireAuthenticated', () => {
  it('answers 401 when no principal is set (public path without a token)', async () => {
    const logger = createMemoryLogger();
    const app = createServiceApp({ service: 'kb', version: VERSION, logger, readiness: new Readiness(logger) });
    app.use(authenticateService({ verifier, publicPaths: [/.*/] }));
    app.post('/kb', requirePermission('kb:write'), (c) => c.json({ ok: true }));
    app.get('/strict', requireAuthenticated(), (c) => c.json({ ok: true }));
    expect(await errorOf(await app.request('/kb', { method: 'POST' }))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await app.request('/strict')).status).toBe(401);
  });

  it('lets an authenticated principal through requireAuthenticated', async () => {
    const res = await build().request('/strict', await withToken(token({ ...ada, roles: [] })));
    expect(await res.json()).toEqual({ who: ada.userId });
  });

  it('answers 403 naming the missing permissions, and passes with the right role', async () => {
    const app = build();
    const viewer = { ...ada, roles: ['viewer' as const] };
    const denied = await errorOf(await app.request('/kb', { method: 'POST', ...(await withToken(token(viewer))) }));
    expect(denied).toMatchObject({ status: 403, code: 'FORBIDDEN', details: { missing: ['kb:write'] } });
    expect(denied.message).toContain('kb:write');

    const share = await errorOf(await app.request('/kb/share', { method: 'POST', ...(await withToken(token(ada))) }));
    expect(share).toMatchObject({ status: 403, details: { missing: ['kb:share'] } });

    expect((await app.request('/kb', { method: 'POST', ...(await withToken(token(ada))) })).status).toBe(200);
    const kbAdmin = { ...ada, roles: ['kb_admin' as const] };
    expect((await app.request('/kb/share', { method: 'POST', ...(await withToken(token(kbAdmin))) })).status).toBe(200);
  });
});
