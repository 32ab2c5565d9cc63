import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../lib/testing/db.ts';
import {
  createIdentityTestApp,
  createIdentityTestbed,
  GAIA_SESSION_KEYS,
  GAIA_SESSION_RESPONSE_KEYS,
  GAIA_USER_KEYS,
  type IdentityTestbed,
  postJson,
  testAuthSettings,
  uniqueEmail,
} from '../testing.ts';
import { findUserById } from '../users/find-user.ts';
import { type FakeSupabase, startFakeSupabase } from './fake-supabase.ts';

const PASSWORD = 'tulip-orbit-9';
const USER_KEYS = GAIA_USER_KEYS;
const SESSION_KEYS = GAIA_SESSION_KEYS;
const SESSION_RESPONSE_KEYS = GAIA_SESSION_RESPONSE_KEYS;
const PREFIXES = ['/auth', '/api/v1/auth', '/api/v0.3/auth'];
const keys = (value: unknown) => Object.keys(value as object).sort();

interface Json {
  status: number;
  body: Record<string, unknown> & { detail?: unknown };
}

type SessionBody = {
  access_token: string;
  refresh_token: string;
  user: { id: string; email: string };
  session: Record<string, unknown>;
};

describe.each(dbBackends())('GAIA auth operations through the Supabase backend on $name', ({ create }) => {
  let fake: FakeSupabase;
  let bed: IdentityTestbed;
  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}, app = bed.app): Promise<Json> => {
    const res = await app.request(path, body === undefined ? { method: 'POST', headers } : postJson(body, headers));
    return { status: res.status, body: (await res.json()) as Json['body'] };
  };
  const detail = (status: number, message: string) => ({ status, body: { detail: message } });
  /** A confirmed Supabase user and a GAIA login of it. */
  const loggedIn = async () => {
    const email = uniqueEmail('supa');
    const user = fake.createUser(email, PASSWORD);
    const res = await call('/auth/login', { email, password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { email, user, session: res.body as unknown as SessionBody };
  };

  beforeAll(async () => {
    fake = await startFakeSupabase();
    const settings = testAuthSettings({ supabase: { url: fake.url, anonKey: fake.anonKey, jwtSecret: fake.jwtSecret, backend: true } });
    bed = await createIdentityTestbed({ db: await create(), overrides: { settings } });
  });
  afterAll(async () => {
    await bed?.close();
    await fake?.close();
  });
  beforeEach(() => {
    Object.assign(fake.config, { autoconfirm: false, signupDisabled: false, mailIntervalS: 60, failWith: null });
  });

  describe('login', () => {
    it("answers Supabase's session in GAIA's shape, with the top-level token copies, on every prefix", async () => {
      for (const prefix of PREFIXES) {
        const email = uniqueEmail('supa');
        const user = fake.createUser(email, PASSWORD);
        const { status, body } = await call(`${prefix}/login`, { email, password: PASSWORD });
        expect(status).toBe(200);
        expect(keys(body)).toEqual(SESSION_RESPONSE_KEYS);
        const session = body.session as Record<string, unknown>;
        expect(keys(session)).toEqual(SESSION_KEYS);
        expect(keys(body.user)).toEqual(USER_KEYS);
        expect(body.user).toMatchObject({ id: user.id, email, aud: 'authenticated', role: 'authenticated', app_metadata: { provider: 'email' } });
        expect(session.user).toEqual(body.user);
        expect(body.access_token).toBe(session.access_token);
        expect(body.refresh_token).toBe(session.refresh_token);
        expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
        expect(session.expires_at).toBeGreaterThan(Date.now() / 1000);
        expect(body.access_token).toMatch(/^eyJ/);
        expect(decodeJwt(body.access_token as string)).toMatchObject({ sub: user.id, email, aud: 'authenticated' });
      }
      expect(fake.requests).toContain('POST /auth/v1/token?grant_type=password');
    });

    it('answers 400 for a wrong password, an unknown address and malformed input, and tells unconfirmed apart', async () => {
      const { email } = await loggedIn();
      const failed = detail(400, 'Login failed: Invalid login credentials');
      expect(await call('/auth/login', { email, password: 'wrong-password' })).toEqual(failed);
      expect(await call('/api/v1/auth/login', { email: uniqueEmail(), password: PASSWORD })).toEqual(failed);
      expect(await call('/auth/login', { email: '', password: '' })).toEqual(failed);
      const pending = uniqueEmail('pending');
      fake.createUser(pending, PASSWORD, { confirmed: false });
      expect(await call('/auth/login', { email: pending, password: PASSWORD })).toEqual(detail(400, 'Login failed: Email not confirmed'));
      expect((await call('/auth/login', { email })).status).toBe(422);
    });

    it('answers 503 when Supabase is down or refuses the anon key', async () => {
      const { email } = await loggedIn();
      fake.config.failWith = 503;
      expect(await call('/auth/login', { email, password: PASSWORD })).toEqual(detail(503, 'Service auth unavailable'));
      fake.config.failWith = null;
      const settings = testAuthSettings({ supabase: { url: fake.url, anonKey: 'not-the-anon-key', backend: true } });
      const misconfigured = createIdentityTestApp({ ...bed.deps, settings });
      expect(await call('/auth/login', { email, password: PASSWORD }, {}, misconfigured)).toEqual(detail(503, 'Service auth unavailable'));
      expect(bed.runtime.logger.lines.some((line) => line.includes('refused the anon key'))).toBe(true);
    });
  });

  describe('register', () => {
    it('answers {user, session: null} until the address is confirmed, in the GAIA shapes', async () => {
      const email = uniqueEmail('new');
      const { status, body } = await call('/auth/register', { email: email.toUpperCase(), password: PASSWORD });
      expect(status).toBe(200);
      expect(keys(body)).toEqual(['session', 'user']);
      expect(body.session).toBeNull();
      expect(keys(body.user)).toEqual(USER_KEYS);
      expect(body.user).toMatchObject({ id: fake.user(email)!.id, email, email_confirmed_at: null, last_sign_in_at: null });
      expect(fake.user(email)!.confirmationCode).toMatch(/^\d{6}$/);
      expect(fake.requests).toContain('POST /auth/v1/signup');
    });

    it('answers a session when Supabase confirms sign-ups at once', async () => {
      fake.config.autoconfirm = true;
      const email = uniqueEmail('auto');
      const { status, body } = await call('/api/v0.3/auth/register', { email, password: PASSWORD });
      expect(status).toBe(200);
      expect(keys(body.session)).toEqual(SESSION_KEYS);
      expect(body.user).toMatchObject({ email });
      expect((body.user as { email_confirmed_at: string }).email_confirmed_at).toEqual(expect.any(String));
      expect(decodeJwt((body.session as { access_token: string }).access_token).sub).toBe((body.user as { id: string }).id);
    });

    it('refuses a registered address whether Supabase hides it (confirmations on) or says so (autoconfirm)', async () => {
      const { email } = await loggedIn();
      const taken = detail(400, 'This email is already registered');
      expect(await call('/auth/register', { email, password: PASSWORD })).toEqual(taken);
      fake.config.autoconfirm = true;
      expect(await call('/auth/register', { email, password: PASSWORD })).toEqual(taken);
    });

    it("keeps GAIA's input messages and maps Supabase's refusals", async () => {
      expect(await call('/auth/register', { email: 'nope', password: PASSWORD })).toEqual(detail(400, 'Please enter a valid email address'));
      expect(await call('/auth/register', { email: uniqueEmail(), password: 'abc' })).toEqual(
        detail(400, 'Password must be at least 6 characters long'),
      );
      const email = uniqueEmail('twice');
      expect((await call('/auth/register', { email, password: PASSWORD })).status).toBe(200);
      // Signing up an unconfirmed address again mails a new code, which Supabase allows once a minute.
      expect(await call('/auth/register', { email, password: PASSWORD })).toEqual(
        detail(400, 'Too many registration attempts. Please try again later'),
      );
      fake.config.signupDisabled = true;
      expect(await call('/auth/register', { email: uniqueEmail(), password: PASSWORD })).toEqual(
        detail(400, 'Registration failed: Signups not allowed for this instance'),
      );
    });

    it('applies ALLOWED_EMAIL_DOMAINS before asking Supabase', async () => {
      const settings = { ...bed.deps.settings, allowedEmailDomains: ['gaia.test'] };
      const app = createIdentityTestApp({ ...bed.deps, settings });
      const before = fake.requests.length;
      expect(await call('/auth/register', { email: uniqueEmail(), password: PASSWORD }, {}, app)).toEqual(
        detail(400, 'Registration is not allowed for this email domain'),
      );
      expect(fake.requests.length).toBe(before);
    });
  });

  describe('confirm and resend-verification', () => {
    it('confirms with the mailed code (verifyOtp type signup), after which login works', async () => {
      const email = uniqueEmail('confirm');
      await call('/auth/register', { email, password: PASSWORD });
      const code = fake.user(email)!.confirmationCode!;
      const invalid = detail(400, 'Confirmation link is expired or invalid');
      const wrong = code === '000000' ? '111111' : '000000';
      expect(await call('/auth/confirm', { email, token: wrong })).toEqual(invalid);
      const { status, body } = await call('/api/v0.3/auth/confirm', { email, token: code });
      expect(status).toBe(200);
      expect(keys(body)).toEqual(['message', 'user']);
      expect(body.message).toBe('Email confirmed successfully');
      expect(keys(body.user)).toEqual(USER_KEYS);
      expect((body.user as { email_confirmed_at: string | null }).email_confirmed_at).toEqual(expect.any(String));
      expect(await call('/auth/confirm', { email, token: code })).toEqual(invalid);
      expect((await call('/auth/login', { email, password: PASSWORD })).status).toBe(200);
      expect(fake.requests).toContain('POST /auth/v1/verify');
    });

    it("sends a new code, and passes on Supabase's once-a-minute limit", async () => {
      const email = uniqueEmail('resend');
      await call('/auth/register', { email, password: PASSWORD });
      const tooSoon = detail(400, 'Too many requests. Please wait before requesting another email');
      expect(await call('/auth/resend-verification', { email })).toEqual(tooSoon);
      fake.config.mailIntervalS = 0;
      const other = uniqueEmail('resend');
      await call('/auth/register', { email: other, password: PASSWORD });
      const before = fake.user(other)!.confirmationSentAt!.getTime();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await call('/api/v1/auth/resend-verification', { email: other })).toEqual({
        status: 200,
        body: { message: `Verification email sent to ${other}` },
      });
      expect(fake.user(other)!.confirmationSentAt!.getTime()).toBeGreaterThan(before);
      expect(fake.requests).toContain('POST /auth/v1/resend');
    });

    it('answers the same for unknown and confirmed addresses', async () => {
      const { email } = await loggedIn();
      for (const address of [email, uniqueEmail('nobody')]) {
        expect(await call('/auth/resend-verification', { email: address })).toEqual({
          status: 200,
          body: { message: `Verification email sent to ${address}` },
        });
      }
    });
  });

  describe('refresh', () => {
    it('rotates the refresh token and answers a new session; a reused token ends the session', async () => {
      const { session, user } = await loggedIn();
      const { status, body } = await call('/api/v1/auth/refresh', { refresh_token: session.refresh_token });
      expect(status).toBe(200);
      expect(keys(body)).toEqual(SESSION_RESPONSE_KEYS);
      expect(body.refresh_token).not.toBe(session.refresh_token);
      expect(body.user).toMatchObject({ id: user.id });
      expect(await call('/auth/refresh', { refresh_token: session.refresh_token })).toEqual(
        detail(400, 'Token refresh failed: Invalid Refresh Token: Already Used'),
      );
      expect(await call('/auth/refresh', { refresh_token: body.refresh_token })).toEqual(
        detail(400, 'Token refresh failed: Invalid Refresh Token: Refresh Token Not Found'),
      );
      expect(await call('/auth/refresh', { refresh_token: 'unknown' })).toEqual(
        detail(400, 'Token refresh failed: Invalid Refresh Token: Refresh Token Not Found'),
      );
      expect(fake.requests).toContain('POST /auth/v1/token?grant_type=refresh_token');
    });
  });

  describe('logout', () => {
    const ok = { status: 200, body: { message: 'Logged out successfully' } };

    it('ends the session of a refresh token', async () => {
      const { session, user } = await loggedIn();
      expect(fake.sessionCount(user.id)).toBe(1);
      expect(await call('/auth/logout', { refresh_token: session.refresh_token })).toEqual(ok);
      expect(fake.sessionCount(user.id)).toBe(0);
      expect((await call('/auth/refresh', { refresh_token: session.refresh_token })).status).toBe(400);
      expect(fake.requests).toContain('POST /auth/v1/logout?scope=local');
    });

    it("ends the Bearer access token's session only", async () => {
      const { email, session, user } = await loggedIn();
      await call('/auth/login', { email, password: PASSWORD });
      expect(fake.sessionCount(user.id)).toBe(2);
      expect(await call('/api/v0.3/auth/logout', {}, { authorization: `Bearer ${session.access_token}` })).toEqual(ok);
      expect(fake.sessionCount(user.id)).toBe(1);
    });

    it('succeeds when there is nothing to end', async () => {
      expect(await call('/auth/logout')).toEqual(ok);
      expect(await call('/auth/logout', { refresh_token: 'unknown' }, { authorization: 'Bearer eyJnot.a.token' })).toEqual(ok);
      const { session } = await loggedIn();
      await call('/auth/logout', { refresh_token: session.refresh_token });
      expect(await call('/auth/logout', { refresh_token: session.refresh_token }, { authorization: `Bearer ${session.access_token}` })).toEqual(ok);
    });
  });

  describe('tokens', () => {
    it('validate accepts the access token of a Supabase login and provisions its user', async () => {
      const { email, session, user } = await loggedIn();
      expect(await call('/auth/validate', { token: session.access_token })).toEqual({
        status: 200,
        body: { valid: true, auth_type: 'jwt', user_id: user.id, error: null },
      });
      expect(await findUserById(bed.runtime.db, user.id)).toMatchObject({ email, provider: 'supabase', passwordHash: null });
      const me = await bed.app.request('/auth/me', { headers: { authorization: `Bearer ${session.access_token}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ user: { id: user.id, email }, roles: ['user'] });
    });
  });
});
