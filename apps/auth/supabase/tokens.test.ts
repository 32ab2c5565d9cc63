import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../lib/auth/types.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import type { SupabaseSettings } from '../deps.ts';
import {
  createIdentityTestApp,
  createIdentityTestbed,
  type IdentityTestbed,
  postJson,
  TEST_PRINCIPAL_HEADER,
  testAuthSettings,
  uniqueEmail,
} from '../testing.ts';
import { findUserById } from '../users/find-user.ts';
import { rolesOf } from '../users/roles.ts';
import { type FakeSupabase, startFakeSupabase } from './fake-supabase.ts';

const PASSWORD = 'tulip-orbit-9';
const NONE = { valid: false, auth_type: 'none', user_id: null, error: 'No valid authentication credentials provided' };
const jwt = (userId: string) => ({ valid: true, auth_type: 'jwt', user_id: userId, error: null });

describe.each(dbBackends())('Supabase tokens with the built-in backend on $name', ({ create }) => {
  let hs256: FakeSupabase;
  let es256: FakeSupabase;
  let bed: IdentityTestbed;
  const appWith = (supabase: SupabaseSettings | undefined) =>
    createIdentityTestApp({ ...bed.deps, settings: testAuthSettings(supabase ? { supabase } : {}) });
  const validate = async (token: string, app = bed.app) => {
    const res = await app.request('/auth/validate', postJson({ token }));
    return (await res.json()) as Record<string, unknown>;
  };
  const me = async (headers: Record<string, string>, app = bed.app) => {
    const res = await app.request('/api/v1/auth/me', { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const count = async (id: string) => {
    const rows = await bed.runtime.db.query<{ n: number | string }>('select count(*) as n from auth.users where id = $1', [id]);
    return Number(rows[0]!.n);
  };

  beforeAll(async () => {
    hs256 = await startFakeSupabase();
    es256 = await startFakeSupabase({ algorithm: 'ES256' });
    // The built-in backend, with only the shared secret configured (no SUPABASE_URL).
    const settings = testAuthSettings({ supabase: { jwtSecret: hs256.jwtSecret, backend: false } });
    bed = await createIdentityTestbed({ db: await create(), overrides: { settings } });
  });
  afterAll(async () => {
    await bed?.close();
    await hs256?.close();
    await es256?.close();
  });

  describe('validate', () => {
    it('accepts an HS256 Supabase token as jwt and provisions its user on first use (role user, email from the claim)', async () => {
      const sub = crypto.randomUUID();
      const email = uniqueEmail('supa');
      // A role claim is not checked: the token still stands for plain user `sub`.
      const token = await hs256.signAccessToken({ sub, email, extra: { role: 'admin' } });
      expect(await findUserById(bed.runtime.db, sub)).toBeNull();
      expect(await validate(token)).toEqual(jwt(sub));
      expect(await findUserById(bed.runtime.db, sub)).toMatchObject({ id: sub, email, provider: 'supabase', passwordHash: null });
      expect(await rolesOf(bed.runtime.db, sub)).toEqual(['user']);
      expect(await validate(token)).toEqual(jwt(sub));
      expect(await count(sub)).toBe(1);
    });

    it('provisions one user when first uses race', async () => {
      const sub = crypto.randomUUID();
      const token = await hs256.signAccessToken({ sub, email: uniqueEmail('race') });
      const verdicts = await Promise.all(Array.from({ length: 8 }, () => validate(token)));
      expect(verdicts).toEqual(Array.from({ length: 8 }, () => jwt(sub)));
      expect(await count(sub)).toBe(1);
    });

    it('refuses expired tokens, other audiences, other secrets and tokens without a sub', async () => {
      const sub = crypto.randomUUID();
      const expired = await hs256.signAccessToken({ sub, email: uniqueEmail(), expiresInS: -120 });
      const anon = await hs256.signAccessToken({ sub, email: uniqueEmail(), aud: 'anon' });
      const foreign = await new SignJWT({ email: uniqueEmail() })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('authenticated')
        .setSubject(sub)
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-project-secret-of-32-characters!'));
      const noSub = await new SignJWT({ email: uniqueEmail() })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('authenticated')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(hs256.jwtSecret));
      for (const token of [expired, anon, foreign, noSub]) expect(await validate(token)).toEqual(NONE);
      expect(await count(sub)).toBe(0);
    });

    it('refuses Supabase tokens when Supabase is not configured, and keeps accepting our own', async () => {
      const token = await hs256.signAccessToken({ sub: crypto.randomUUID(), email: uniqueEmail() });
      expect(await validate(token, appWith(undefined))).toEqual(NONE);
      const email = uniqueEmail('ours');
      const registered = await bed.app.request('/auth/register', postJson({ email, password: PASSWORD }));
      const { user, session } = (await registered.json()) as { user: { id: string }; session: { access_token: string } };
      expect(await validate(session.access_token)).toEqual(jwt(user.id));
    });

    it("accepts ES256 tokens through the project's JWKS when only SUPABASE_URL is set", async () => {
      const app = appWith({ url: es256.url, backend: false });
      const sub = crypto.randomUUID();
      expect(await validate(await es256.signAccessToken({ sub, email: uniqueEmail('es') }), app)).toEqual(jwt(sub));
      expect(es256.requests).toContain('GET /auth/v1/.well-known/jwks.json');
      // Without the shared secret, HS256 tokens are not accepted.
      expect(await validate(await hs256.signAccessToken({ sub: crypto.randomUUID(), email: uniqueEmail() }), app)).toEqual(NONE);
    });

    it("provisions by subject, never by email: a password user's address makes a separate user, not a refusal or a merge", async () => {
      const email = uniqueEmail('taken');
      const registered = await bed.app.request('/auth/register', postJson({ email, password: PASSWORD }));
      const local = ((await registered.json()) as { user: { id: string } }).user.id;
      const sub = crypto.randomUUID();
      expect(await validate(await hs256.signAccessToken({ sub, email }))).toEqual(jwt(sub));
      expect(sub).not.toBe(local);
      expect(await findUserById(bed.runtime.db, sub)).toMatchObject({ email, provider: 'supabase', passwordHash: null });
      // The password user is untouched and still the one who signs in with that email.
      const login = await bed.app.request('/auth/login', postJson({ email, password: PASSWORD }));
      expect(((await login.json()) as { user: { id: string } }).user.id).toBe(local);

      const phoneUser = crypto.randomUUID();
      expect(await validate(await hs256.signAccessToken({ sub: phoneUser, email: '' }))).toEqual(jwt(phoneUser));
      expect((await findUserById(bed.runtime.db, phoneUser))?.email).toBe(`${phoneUser}@supabase.invalid`);
    });
  });

  describe('me', () => {
    it('identifies a Supabase Bearer token without a principal, and still answers 401 for anything else', async () => {
      const sub = crypto.randomUUID();
      const email = uniqueEmail('bearer');
      const token = await hs256.signAccessToken({ sub, email });
      const { status, body } = await me({ authorization: `Bearer ${token}` });
      expect(status).toBe(200);
      expect(body).toMatchObject({ user: { id: sub, email }, roles: ['user'] });
      const unauthenticated = { status: 401, body: { detail: 'Not authenticated. Provide a valid JWT or API Key.' } };
      expect(await me({ authorization: 'Bearer eyJnot.a.token' })).toEqual(unauthenticated);
      expect(await me({ authorization: `Bearer ${token}` }, appWith(undefined))).toEqual(unauthenticated);
    });

    it('answers 404 for a principal whose user does not exist (the gateway provisions external users before calling)', async () => {
      for (const authType of ['jwt', 'supabase_jwt'] as const) {
        const principal: Principal = { userId: crypto.randomUUID(), email: null, roles: ['user'], authType };
        expect(await me({ [TEST_PRINCIPAL_HEADER]: JSON.stringify(principal) })).toEqual({ status: 404, body: { detail: 'User not found' } });
      }
    });
  });
});
