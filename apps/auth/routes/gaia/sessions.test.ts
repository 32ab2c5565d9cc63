import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../../lib/auth/types.ts';
import { dbBackends } from '../../../../lib/testing/db.ts';
import type { AuthDeps, PasswordHasher } from '../../deps.ts';
import {
  createIdentityTestApp,
  createIdentityTestbed,
  GAIA_SESSION_KEYS,
  GAIA_SESSION_RESPONSE_KEYS,
  GAIA_USER_KEYS,
  type IdentityTestbed,
  postJson,
  TEST_ISSUER,
  TEST_PRINCIPAL_HEADER,
  testAuthSettings,
  uniqueEmail,
} from '../../testing.ts';
import { provisionExternalUser } from '../../users/provision-external-user.ts';

const PASSWORD = 'tulip-orbit-9';
const USER_KEYS = GAIA_USER_KEYS;
const SESSION_KEYS = GAIA_SESSION_KEYS;
const SESSION_RESPONSE_KEYS = GAIA_SESSION_RESPONSE_KEYS;
const keys = (value: unknown) => Object.keys(value as object).sort();

interface Json {
  status: number;
  body: Record<string, unknown> & { detail?: unknown };
}

describe.each(dbBackends())('GAIA session routes on $name', ({ create }) => {
  let bed: IdentityTestbed;
  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}, app = bed.app): Promise<Json> => {
    const res = await app.request(path, body === undefined ? { method: 'POST', headers } : postJson(body, headers));
    return { status: res.status, body: (await res.json()) as Json['body'] };
  };
  const register = async (email = uniqueEmail(), password = PASSWORD) => {
    const res = await call('/auth/register', { email, password });
    expect(res.status).toBe(200);
    return { email, res };
  };
  const login = async (email: string, password = PASSWORD, app = bed.app) => {
    const res = await call('/auth/login', { email, password }, {}, app);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { access_token: string; refresh_token: string; user: { id: string; email: string } };
  };

  beforeAll(async () => {
    bed = await createIdentityTestbed({ db: await create() });
  });
  afterAll(() => bed?.close());

  describe('register', () => {
    it('creates a user and answers {user, session} in the Supabase shapes', async () => {
      const email = uniqueEmail('Ada');
      const { status, body } = await call('/auth/register', { email: ` ${email.toUpperCase()} `, password: PASSWORD, extra: 1 });
      expect(status).toBe(200);
      expect(keys(body)).toEqual(['session', 'user']);
      const user = body.user as Record<string, unknown>;
      const session = body.session as Record<string, unknown>;
      expect(keys(user)).toEqual(USER_KEYS);
      expect(user).toMatchObject({ email: email.toLowerCase(), aud: 'authenticated', role: 'authenticated', app_metadata: { provider: 'email' }, user_metadata: {} });
      expect(user.email_confirmed_at).toEqual(expect.any(String));
      expect(keys(session)).toEqual(SESSION_KEYS);
      expect(session).toMatchObject({ token_type: 'bearer', expires_in: 900, user });
      const [row] = await bed.runtime.db.query<{ password_hash: string }>('select password_hash from auth.users where id = $1', [user.id]);
      expect(row!.password_hash).toMatch(/^scrypt\$/);
      expect(row!.password_hash).not.toContain(PASSWORD);
      const roles = await bed.runtime.db.query<{ role: string }>('select role from auth.user_roles where user_id = $1', [user.id]);
      expect(roles).toEqual([{ role: 'user' }]);
    });

    it.each([
      [{ email: 'not-an-email', password: PASSWORD }, 'Please enter a valid email address'],
      [{ email: uniqueEmail(), password: 'abc12' }, 'Password must be at least 6 characters long'],
      [{ email: uniqueEmail(), password: 'Qwerty123' }, 'Password is too common. Please choose a less guessable password'],
    ])('refuses %j with 400', async (body, detail) => {
      expect(await call('/auth/register', body)).toEqual({ status: 400, body: { detail } });
    });

    it('refuses an email that is already registered, whatever its case', async () => {
      const { email } = await register();
      expect(await call('/auth/register', { email: email.toUpperCase(), password: 'another-pass-1' })).toEqual({
        status: 400,
        body: { detail: 'This email is already registered' },
      });
    });

    it('refuses domains outside allowedEmailDomains', async () => {
      const app = createIdentityTestApp({ ...bed.deps, settings: testAuthSettings({ allowedEmailDomains: ['Gaia.Test'] }) });
      expect(await call('/auth/register', { email: uniqueEmail(), password: PASSWORD }, {}, app)).toEqual({
        status: 400,
        body: { detail: 'Registration is not allowed for this email domain' },
      });
      expect((await call('/auth/register', { email: `ok-${crypto.randomUUID()}@gaia.test`, password: PASSWORD }, {}, app)).status).toBe(200);
    });

    it('answers 422 with the FastAPI list for a missing field', async () => {
      expect(await call('/auth/register', { email: uniqueEmail() })).toEqual({
        status: 422,
        body: { detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null }] },
      });
    });
  });

  describe('login', () => {
    it('answers the session response with top-level token copies and an at+jwt access token', async () => {
      const { email } = await register();
      const { status, body } = await call('/auth/login', { email: email.toUpperCase(), password: PASSWORD });
      expect(status).toBe(200);
      expect(keys(body)).toEqual(SESSION_RESPONSE_KEYS);
      const session = body.session as Record<string, unknown>;
      expect(keys(session)).toEqual(SESSION_KEYS);
      expect(keys(body.user)).toEqual(USER_KEYS);
      expect(body).toMatchObject({
        access_token: session.access_token,
        refresh_token: session.refresh_token,
        token_type: 'bearer',
        expires_in: 900,
        user: { email },
      });
      expect(session.user).toEqual(body.user);
      expect((body.user as { last_sign_in_at: string | null }).last_sign_in_at).toEqual(expect.any(String));
      expect(session.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const token = body.access_token as string;
      expect(token.startsWith('eyJ')).toBe(true);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: expect.any(String) });
      const claims = decodeJwt(token);
      const userId = (body.user as { id: string }).id;
      expect(claims).toMatchObject({
        iss: TEST_ISSUER,
        sub: userId,
        user_id: userId,
        email,
        aud: 'authenticated',
        role: 'authenticated',
        roles: ['user'],
        user_metadata: {},
        sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(claims.exp! - claims.iat!).toBe(900);
      expect(session.expires_at).toBe(claims.exp);
    });

    it('answers one 400 for unknown email, wrong password and malformed input alike', async () => {
      const { email } = await register();
      const failed = { status: 400, body: { detail: 'Login failed: Invalid login credentials' } };
      expect(await call('/auth/login', { email: uniqueEmail(), password: PASSWORD })).toEqual(failed);
      expect(await call('/auth/login', { email, password: `${PASSWORD}x` })).toEqual(failed);
      expect(await call('/auth/login', { email: 'not-an-email', password: PASSWORD })).toEqual(failed);
      expect(await call('/auth/login', { email, password: 'abc' })).toEqual(failed);
    });

    it('does the same hashing work for unknown emails and malformed input (verifies against a dummy hash)', async () => {
      const { email } = await register();
      const verified: string[] = [];
      const real = bed.deps.passwordHasher;
      const spy: PasswordHasher = {
        hash: (password) => real.hash(password),
        verify: (hash, password) => {
          verified.push(hash);
          return real.verify(hash, password);
        },
      };
      const app = createIdentityTestApp({ ...bed.deps, passwordHasher: spy });
      const [row] = await bed.runtime.db.query<{ password_hash: string }>('select password_hash from auth.users where email = $1', [email]);

      expect((await call('/auth/login', { email, password: 'wrong-password' }, {}, app)).status).toBe(400);
      expect(verified).toEqual([row!.password_hash]);
      for (const body of [{ email: uniqueEmail(), password: PASSWORD }, { email: 'nope', password: 'x' }]) {
        verified.length = 0;
        expect((await call('/auth/login', body, {}, app)).status).toBe(400);
        expect(verified).toHaveLength(1);
        expect(verified[0]).toMatch(/^scrypt\$16\$8\$1\$/);
        expect(verified[0]).not.toBe(row!.password_hash);
      }
    });

    it('refuses users provisioned without a password', async () => {
      const email = uniqueEmail('external');
      await provisionExternalUser(bed.runtime.db, { issuer: 'https://x.supabase.co/auth/v1', subject: crypto.randomUUID(), email, provider: 'supabase' });
      expect((await call('/auth/login', { email, password: PASSWORD })).body).toEqual({ detail: 'Login failed: Invalid login credentials' });
    });

    it('lets concurrent logins of one user all succeed, each with its own session', async () => {
      const { email } = await register();
      const sessions = await Promise.all(Array.from({ length: 6 }, () => login(email)));
      expect(new Set(sessions.map((s) => s.refresh_token)).size).toBe(6);
      expect(new Set(sessions.map((s) => decodeJwt(s.access_token).sid)).size).toBe(6);
    });

    it('answers 422 for missing fields and 400 for malformed JSON', async () => {
      expect(await call('/auth/login', { email: 'a@b.co' })).toEqual({
        status: 422,
        body: { detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null }] },
      });
      const res = await bed.app.request('/auth/login', { method: 'POST', body: '{"email":', headers: { 'content-type': 'application/json' } });
      expect([res.status, await res.json()]).toEqual([400, { detail: 'Invalid JSON body' }]);
    });
  });

  describe('refresh', () => {
    const refresh = (token: string) => call('/auth/refresh', { refresh_token: token });

    it('rotates the refresh token on every use, in the same session', async () => {
      const { email } = await register();
      const first = await login(email);
      const { status, body } = await refresh(first.refresh_token);
      expect(status).toBe(200);
      expect(keys(body)).toEqual(SESSION_RESPONSE_KEYS);
      expect(body.refresh_token).not.toBe(first.refresh_token);
      expect(body.access_token).not.toBe(first.access_token);
      expect(decodeJwt(body.access_token as string).sid).toBe(decodeJwt(first.access_token).sid);
      expect((body.user as { email: string }).email).toBe(email);
      const third = await refresh(body.refresh_token as string);
      expect(third.status).toBe(200);

      const rows = await bed.runtime.db.query<{ id: string; replaced_by: string | null; revoked_at: Date | null }>(
        'select id, replaced_by, revoked_at from auth.refresh_tokens where family_id = $1 order by created_at',
        [decodeJwt(first.access_token).sid],
      );
      expect(rows).toHaveLength(3);
      expect(rows[0]!.replaced_by).toBe(rows[1]!.id);
      expect(rows[1]!.replaced_by).toBe(rows[2]!.id);
      expect(rows.map((r) => r.revoked_at === null)).toEqual([false, false, true]);
    });

    it('revokes the whole session when a rotated token is used again', async () => {
      const { email } = await register();
      const first = await login(email);
      const other = await login(email);
      const second = (await refresh(first.refresh_token)).body.refresh_token as string;
      expect(await refresh(first.refresh_token)).toEqual({
        status: 400,
        body: { detail: 'Token refresh failed: Invalid Refresh Token: Already Used' },
      });
      expect(await refresh(second)).toEqual({
        status: 400,
        body: { detail: 'Token refresh failed: Invalid Refresh Token: Refresh Token Revoked' },
      });
      // Another session of the same user is not affected.
      expect((await refresh(other.refresh_token)).status).toBe(200);
      expect(bed.runtime.logger.entries().map((e) => e.msg)).toContain('refresh token reused; session revoked');
    });

    it('refuses unknown and expired tokens', async () => {
      expect(await refresh('no-such-token')).toEqual({
        status: 400,
        body: { detail: 'Token refresh failed: Invalid Refresh Token: Refresh Token Not Found' },
      });
      let offset = 0;
      const deps: AuthDeps = { ...bed.deps, now: () => Date.now() + offset, settings: testAuthSettings({ refreshTokenTtlS: 60 }) };
      const app = createIdentityTestApp(deps);
      const { email } = await register();
      const session = await login(email, PASSWORD, app);
      offset = 61_000;
      expect(await call('/auth/refresh', { refresh_token: session.refresh_token }, {}, app)).toEqual({
        status: 400,
        body: { detail: 'Token refresh failed: Invalid Refresh Token: Refresh Token Expired' },
      });
    });

    it('answers 422 without refresh_token', async () => {
      expect((await call('/auth/refresh', {})).status).toBe(422);
    });
  });

  describe('logout', () => {
    const refreshStatus = async (token: string) => (await call('/auth/refresh', { refresh_token: token })).status;

    it('revokes the session of the refresh token in the body', async () => {
      const { email } = await register();
      const session = await login(email);
      expect(await call('/auth/logout', { refresh_token: session.refresh_token })).toEqual({
        status: 200,
        body: { message: 'Logged out successfully' },
      });
      expect(await refreshStatus(session.refresh_token)).toBe(400);
    });

    it("revokes the session named by the Bearer access token's sid, and only that one", async () => {
      const { email } = await register();
      const session = await login(email);
      const other = await login(email);
      const rotated = (await call('/auth/refresh', { refresh_token: session.refresh_token })).body;
      // The access token of the first login still names the session after the refresh token rotated.
      expect(await call('/auth/logout', undefined, { authorization: `bearer ${session.access_token}` })).toEqual({
        status: 200,
        body: { message: 'Logged out successfully' },
      });
      expect(await refreshStatus(rotated.refresh_token as string)).toBe(400);
      expect(await refreshStatus(other.refresh_token)).toBe(200);
    });

    it('succeeds when there is nothing to revoke', async () => {
      const ok = { status: 200, body: { message: 'Logged out successfully' } };
      expect(await call('/auth/logout')).toEqual(ok);
      expect(await call('/auth/logout', {})).toEqual(ok);
      expect(await call('/auth/logout', { refresh_token: 'unknown' }, { authorization: 'Bearer eyJnot.a.token' })).toEqual(ok);
    });
  });

  describe('me', () => {
    const me = async (principal?: Principal) => {
      const res = await bed.app.request('/auth/me', principal ? { headers: { [TEST_PRINCIPAL_HEADER]: JSON.stringify(principal) } } : {});
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it('answers 401 without a principal', async () => {
      expect(await me()).toEqual({ status: 401, body: { detail: 'Not authenticated. Provide a valid JWT or API Key.' } });
    });

    it("answers the caller's user and roles", async () => {
      const { email } = await register();
      const { user } = await login(email);
      const { status, body } = await me({ userId: user.id, email, roles: ['user'], authType: 'jwt' });
      expect(status).toBe(200);
      expect(keys(body)).toEqual(['roles', 'user']);
      expect(body.roles).toEqual(['user']);
      expect(body.user).toMatchObject({ id: user.id, email });
      expect(keys(body.user)).toEqual(USER_KEYS);
    });

    it('answers 404 for a principal that is not a user', async () => {
      expect(await me({ userId: 'kb', email: null, roles: [], authType: 'service' })).toEqual({
        status: 404,
        body: { detail: 'User not found' },
      });
    });
  });
});
