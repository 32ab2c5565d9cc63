import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryKv } from '../../../../lib/kv/memory.ts';
import { dbBackends } from '../../../../lib/testing/db.ts';
import type { AuthDeps } from '../../deps.ts';
import { sha256Hex } from '../../sessions/secret-token.ts';
import {
  confirmationCodeIn,
  createIdentityTestApp,
  createIdentityTestbed,
  type IdentityTestbed,
  latestMail,
  postJson,
  testAuthSettings,
  uniqueEmail,
} from '../../testing.ts';

const PASSWORD = 'tulip-orbit-9';

describe.each(dbBackends())('GAIA email confirmation on $name', ({ create }) => {
  let bed: IdentityTestbed;
  let offset = 0;
  const call = async (path: string, body: unknown, app = bed.app) => {
    const res = await app.request(path, postJson(body));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const codeFor = async (email: string) => confirmationCodeIn((await latestMail(bed.runtime.db, email)) ?? '');
  const register = async () => {
    const email = uniqueEmail();
    const res = await call('/auth/register', { email, password: PASSWORD });
    expect(res.status).toBe(200);
    return { email, res };
  };

  beforeAll(async () => {
    bed = await createIdentityTestbed({
      db: await create(),
      overrides: { settings: testAuthSettings({ requireEmailConfirmation: true }), now: () => Date.now() + offset },
    });
  });
  afterAll(() => bed?.close());

  it('registers without a session and mails a code that is stored only hashed', async () => {
    const { email, res } = await register();
    expect(res.body.session).toBeNull();
    expect(res.body.user).toMatchObject({ email, email_confirmed_at: null, last_sign_in_at: null });
    const mails = await bed.runtime.db.query<{ subject: string }>('select subject from auth.outbox where recipient = $1', [email]);
    expect(mails).toEqual([{ subject: 'Confirm your email address' }]);
    const code = await codeFor(email);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await bed.runtime.db.query<{ token_hash: string }>(
      'select c.token_hash from auth.email_confirmations c join auth.users u on u.id = c.user_id where u.email = $1',
      [email],
    );
    expect(rows).toEqual([{ token_hash: await sha256Hex(code!) }]);
  });

  it('refuses login until the email is confirmed (told only with the right password), then allows it', async () => {
    const { email } = await register();
    expect(await call('/auth/login', { email, password: PASSWORD })).toEqual({ status: 400, body: { detail: 'Login failed: Email not confirmed' } });
    expect(await call('/auth/login', { email, password: 'wrong-password' })).toEqual({
      status: 400,
      body: { detail: 'Login failed: Invalid login credentials' },
    });

    const confirmed = await call('/api/v0.3/auth/confirm', { token: await codeFor(email), email: email.toUpperCase() });
    expect(confirmed.status).toBe(200);
    expect(Object.keys(confirmed.body).sort()).toEqual(['message', 'user']);
    expect(confirmed.body.message).toBe('Email confirmed successfully');
    expect(confirmed.body.user).toMatchObject({ email, email_confirmed_at: expect.any(String) });
    expect((await call('/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('refuses a code twice, a wrong code, and a code presented with another email', async () => {
    const { email } = await register();
    const code = (await codeFor(email))!;
    const invalid = { status: 400, body: { detail: 'Confirmation link is expired or invalid' } };
    expect(await call('/auth/confirm', { token: `${code}x`, email })).toEqual(invalid);
    expect(await call('/auth/confirm', { token: code, email: uniqueEmail() })).toEqual(invalid);
    expect((await call('/auth/confirm', { token: code, email })).status).toBe(200);
    expect(await call('/auth/confirm', { token: code, email })).toEqual({ status: 400, body: { detail: 'Email is already confirmed' } });
    expect((await call('/auth/confirm', { email })).status).toBe(422);
  });

  it('refuses a code older than 24 hours', async () => {
    const { email } = await register();
    const code = await codeFor(email);
    offset = 24 * 3_600_000 + 1_000;
    try {
      expect(await call('/auth/confirm', { token: code, email })).toEqual({
        status: 400,
        body: { detail: 'Confirmation link is expired or invalid' },
      });
    } finally {
      offset = 0;
    }
  });

  it('resends a new code (the old one stops working), once a minute per address', async () => {
    let now = Date.now();
    const deps: AuthDeps = { ...bed.deps, kv: createMemoryKv({ now: () => now }) };
    const app = createIdentityTestApp(deps);
    const { email } = await register();
    const first = await codeFor(email);

    expect(await call('/auth/resend-verification', { email }, app)).toEqual({ status: 200, body: { message: `Verification email sent to ${email}` } });
    const second = await codeFor(email);
    expect(second).not.toBe(first);
    expect(await call('/auth/resend-verification', { email: email.toUpperCase() }, app)).toEqual({
      status: 400,
      body: { detail: 'Too many requests. Please wait before requesting another email' },
    });
    now += 60_000;
    expect((await call('/auth/resend-verification', { email }, app)).status).toBe(200);
    const third = await codeFor(email);
    expect((await call('/auth/confirm', { token: second, email }, app)).body).toEqual({ detail: 'Confirmation link is expired or invalid' });
    expect((await call('/auth/confirm', { token: third, email }, app)).status).toBe(200);
  });

  it('answers the same for unknown addresses (without mailing) and refuses malformed ones', async () => {
    const email = uniqueEmail('nobody');
    expect(await call('/auth/resend-verification', { email })).toEqual({ status: 200, body: { message: `Verification email sent to ${email}` } });
    expect(await latestMail(bed.runtime.db, email)).toBeNull();
    expect(await call('/auth/resend-verification', { email: 'nope' })).toEqual({ status: 400, body: { detail: 'Please enter a valid email address' } });
    expect((await call('/auth/resend-verification', {})).status).toBe(422);
  });

  it('still registers the user when the mail cannot be sent (resend can send it later)', async () => {
    const app = createIdentityTestApp({ ...bed.deps, mailer: { send: () => Promise.reject(new Error('smtp down')) } });
    const email = uniqueEmail();
    const res = await call('/auth/register', { email, password: PASSWORD }, app);
    expect(res.status).toBe(200);
    expect(res.body.session).toBeNull();
    expect(bed.runtime.logger.entries().map((e) => e.msg)).toContain('confirmation email could not be sent');
  });
});
