import { createJwtVerifier } from '../../../lib/auth/verify.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../lib/testing/db.ts';
import { createApiKey } from '../api-keys/store.ts';
import {
  confirmationCodeIn,
  createIdentityTestbed,
  type IdentityTestbed,
  latestMail,
  postJson,
  TEST_ISSUER,
  TEST_PRINCIPAL_HEADER,
  testAuthSettings,
  uniqueEmail,
} from '../testing.ts';

const PASSWORD = 'tulip-orbit-9';
const PREFIXES = ['/auth', '/api/v1/auth', '/api/v0.3/auth'];

describe.each(dbBackends())('identity routes on $name', ({ create }) => {
  let bed: IdentityTestbed;
  const request = async (path: string, init: RequestInit = {}) => {
    const res = await bed.app.request(path, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };

  beforeAll(async () => {
    bed = await createIdentityTestbed({ db: await create(), overrides: { settings: testAuthSettings({ requireEmailConfirmation: true }) } });
  });
  afterAll(() => bed?.close());

  it('serves every operation identically under /auth, /api/v1/auth and /api/v0.3/auth', async () => {
    const probes: [string, RequestInit][] = [
      ['/login', postJson({ email: uniqueEmail(), password: PASSWORD })],
      ['/login', postJson({ email: 'x@example.com' })],
      ['/register', postJson({ email: 'bad', password: PASSWORD })],
      ['/refresh', postJson({ refresh_token: 'nope' })],
      ['/logout', { method: 'POST' }],
      ['/confirm', postJson({ token: 'nope', email: 'x@example.com' })],
      ['/resend-verification', postJson({ email: 'bad' })],
      ['/validate', postJson({})],
      ['/api-key-login', { method: 'POST' }],
      ['/api-key-login', { method: 'POST', headers: { 'x-api-key': 'gaia_test_nope' } }],
      ['/me', {}],
      ['/login', {}],
      ['/me', { method: 'POST' }],
    ];
    for (const [op, init] of probes) {
      const answers = await Promise.all(PREFIXES.map(async (prefix) => {
        const { status, body, headers } = await request(`${prefix}${op}`, init);
        return { status, body, allow: headers.get('allow') };
      }));
      expect(answers[1], `${op} ${JSON.stringify(init)}`).toEqual(answers[0]);
      expect(answers[2], `${op} ${JSON.stringify(init)}`).toEqual(answers[0]);
      expect(answers[0]!.status).not.toBe(404);
    }
    expect((await request('/auth/login')).status).toBe(405);
    expect((await request('/auth/login')).headers.get('allow')).toBe('POST');
    expect((await request('/auth/no-such-op', { method: 'POST' })).status).toBe(404);
  });

  it('registers, confirms and logs in under each prefix', async () => {
    for (const prefix of PREFIXES) {
      const email = uniqueEmail();
      expect((await request(`${prefix}/register`, postJson({ email, password: PASSWORD }))).status).toBe(200);
      const token = confirmationCodeIn((await latestMail(bed.runtime.db, email))!);
      expect((await request(`${prefix}/confirm`, postJson({ token, email }))).status).toBe(200);
      const login = await request(`${prefix}/login`, postJson({ email, password: PASSWORD }));
      expect(login.status).toBe(200);
      expect((await request(`${prefix}/validate`, postJson({ token: login.body.access_token }))).body.valid).toBe(true);
    }
  });

  it('publishes the JWKS our access tokens verify against, cacheable for 5 minutes', async () => {
    const email = uniqueEmail();
    await request('/auth/register', postJson({ email, password: PASSWORD }));
    await request('/auth/confirm', postJson({ token: confirmationCodeIn((await latestMail(bed.runtime.db, email))!), email }));
    const { body: session } = await request('/auth/login', postJson({ email, password: PASSWORD }));

    const { status, body, headers } = await request('/.well-known/jwks.json');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('public, max-age=300');
    const keys = body.keys as Record<string, unknown>[];
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA', kid: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
    const verifier = createJwtVerifier({ issuer: TEST_ISSUER, audience: 'authenticated', algorithms: ['EdDSA'], jwks: { keys } });
    const { subject } = await verifier.verify(session.access_token as string);
    expect(subject).toBe((session.user as { id: string }).id);
  });

  it('documents the operations once per prefix, with unique operationIds', async () => {
    const doc = (await request('/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string }>> };
    for (const prefix of PREFIXES) {
      for (const op of ['login', 'register', 'refresh', 'logout', 'confirm', 'resend-verification', 'validate', 'api-key-login']) {
        expect(doc.paths[`${prefix}/${op}`]?.post, `${prefix}/${op}`).toBeDefined();
      }
      expect(doc.paths[`${prefix}/me`]?.get).toBeDefined();
    }
    expect(doc.paths['/.well-known/jwks.json']?.get?.operationId).toBe('getJwks');
    const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps passwords, tokens, codes and keys out of the log through a whole flow', async () => {
    bed.runtime.logger.lines.length = 0;
    const email = uniqueEmail();
    const secrets: string[] = [PASSWORD, 'n3w-Passw0rd!'];
    await request('/auth/register', postJson({ email, password: PASSWORD }));
    const code = confirmationCodeIn((await latestMail(bed.runtime.db, email))!)!;
    secrets.push(code);
    await request('/auth/resend-verification', postJson({ email }));
    const resent = confirmationCodeIn((await latestMail(bed.runtime.db, email))!)!;
    secrets.push(resent);
    await request('/auth/confirm', postJson({ token: resent, email }));
    await request('/auth/login', postJson({ email, password: 'n3w-Passw0rd!' }));
    const login = (await request('/auth/login', postJson({ email, password: PASSWORD }))).body;
    const refreshed = (await request('/auth/refresh', postJson({ refresh_token: login.refresh_token }))).body;
    await request('/auth/refresh', postJson({ refresh_token: login.refresh_token }));
    const userId = (login.user as { id: string }).id;
    const { key: apiKey } = await createApiKey(bed.deps, { userId, name: 'log test', roles: null, expiresAt: null });
    const exchanged = (await request('/auth/api-key-login', { method: 'POST', headers: { 'x-api-key': apiKey } })).body;
    await request('/auth/validate', postJson({ token: refreshed.access_token, api_key: apiKey }));
    await request('/auth/me', { headers: { [TEST_PRINCIPAL_HEADER]: JSON.stringify({ userId, email, roles: ['user'], authType: 'jwt' }) } });
    await request('/auth/logout', { ...postJson({ refresh_token: refreshed.refresh_token }), headers: { authorization: `Bearer ${refreshed.access_token}`, 'content-type': 'application/json' } });
    secrets.push(
      login.access_token as string,
      login.refresh_token as string,
      refreshed.access_token as string,
      refreshed.refresh_token as string,
      exchanged.access_token as string,
      apiKey,
    );

    const log = bed.runtime.logger.lines.join('\n');
    expect(bed.runtime.logger.entries().map((e) => e.msg)).toEqual(expect.arrayContaining(['user registered', 'mail queued']));
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(5);
      expect(log).not.toContain(secret);
    }
    const [row] = await bed.runtime.db.query<{ password_hash: string }>('select password_hash from auth.users where id = $1', [userId]);
    expect(row!.password_hash).not.toContain(PASSWORD);
  });
});
