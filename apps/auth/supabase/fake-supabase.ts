import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';

/** The JWT secret the fake signs HS256 tokens with unless told otherwise (≥ 32 characters, like a real project's). */
export const FAKE_SUPABASE_JWT_SECRET = 'fake-supabase-jwt-secret-of-at-least-32-characters';
/** The anon key the fake expects in `apikey` unless told otherwise. */
export const FAKE_SUPABASE_ANON_KEY = 'fake-supabase-anon-key';

/** Behaviour that tests may change while the fake runs (`fake.config.autoconfirm = true`). */
export interface FakeSupabaseConfig {
  /** GoTrue's `MAILER_AUTOCONFIRM`: sign-ups are confirmed at once and answer a session. Default false. */
  autoconfirm: boolean;
  /** GoTrue's `DISABLE_SIGNUP`. Default false. */
  signupDisabled: boolean;
  /** GoTrue's `SMTP_MAX_FREQUENCY`: seconds between confirmation mails to one address. Default 60. */
  mailIntervalS: number;
  /** When set, every request answers this status (e.g. 503: an outage) before anything else. */
  failWith: ContentfulStatusCode | null;
}

export interface FakeSupabaseOptions extends Partial<FakeSupabaseConfig> {
  jwtSecret?: string;
  anonKey?: string;
  /** HS256 with `jwtSecret` (a legacy project; the JWKS is empty) or ES256 with a key published in the JWKS. */
  algorithm?: 'HS256' | 'ES256';
  /** Lifetime of access tokens. Default 3600 s, as GoTrue's `JWT_EXP`. */
  accessTokenTtlS?: number;
}

export interface FakeSupabaseUser {
  id: string;
  email: string;
  password: string;
  confirmedAt: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The code of the last confirmation mail, until it is used. */
  confirmationCode: string | null;
  confirmationSentAt: Date | null;
}

/** The claims {@link FakeSupabase.signAccessToken} puts on a token, GoTrue-style unless overridden. */
export interface FakeTokenClaims {
  sub: string;
  email?: string | null;
  /** Default `authenticated`. */
  aud?: string;
  /** Default the fake's `accessTokenTtlS`; negative for an expired token. */
  expiresInS?: number;
  /** More claims (e.g. `role: 'admin'`). */
  extra?: Record<string, unknown>;
}

export interface FakeSupabase {
  /** The project URL (`http://127.0.0.1:<port>`), as `SUPABASE_URL`. */
  url: string;
  anonKey: string;
  jwtSecret: string;
  config: FakeSupabaseConfig;
  /** Every request received, `METHOD /path?query`, oldest first. */
  readonly requests: string[];
  /** A user, by email (lower-cased). */
  user(email: string): FakeSupabaseUser | undefined;
  /** Adds a user directly, confirmed unless `confirmed: false`. */
  createUser(email: string, password: string, options?: { confirmed?: boolean }): FakeSupabaseUser;
  /** How many sessions of the user are live. */
  sessionCount(userId: string): number;
  /** Signs an access token with the fake's key, as GoTrue would for `sub` (no session behind it). */
  signAccessToken(claims: FakeTokenClaims): Promise<string>;
  close(): Promise<void>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const API_VERSION = '2024-01-01';
const JWKS_PATH = '/auth/v1/.well-known/jwks.json';
/** `{key: ISO time}`, or nothing for a missing time (GoTrue's `omitempty`). */
const optional = (key: string, date: Date | null) => (date ? { [key]: date.toISOString() } : {});
const randomToken = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
const randomCode = () => String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000).padStart(6, '0');

/** GoTrue's user JSON (omitting empty timestamps as it does). */
function userJson(user: FakeSupabaseUser): Record<string, unknown> {
  const identityData = { email: user.email, email_verified: user.confirmedAt !== null, phone_verified: false, sub: user.id };
  return {
    id: user.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email,
    ...optional('email_confirmed_at', user.confirmedAt),
    phone: '',
    ...optional('confirmation_sent_at', user.confirmationSentAt),
    ...optional('confirmed_at', user.confirmedAt),
    ...optional('last_sign_in_at', user.lastSignInAt),
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: identityData,
    identities: [
      {
        identity_id: user.id.replace(/^.{8}/, 'ffffffff'),
        id: user.id,
        user_id: user.id,
        identity_data: identityData,
        provider: 'email',
        ...optional('last_sign_in_at', user.lastSignInAt),
        created_at: user.createdAt.toISOString(),
        updated_at: user.updatedAt.toISOString(),
        email: user.email,
      },
    ],
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    is_anonymous: false,
  };
}

/** GoTrue's answer to signing up a confirmed address while confirmations are on: a look-alike with a random id. */
function obfuscatedUserJson(user: FakeSupabaseUser): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: crypto.randomUUID(),
    aud: 'authenticated',
    role: '',
    email: user.email,
    phone: '',
    confirmation_sent_at: now,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  };
}

/**
 * A local stand-in for Supabase Auth (GoTrue) on 127.0.0.1 and a random port, for tests: it answers what supabase-js
 * sends — `POST /auth/v1/token?grant_type=password|refresh_token`, `/signup`, `/verify`, `/resend`,
 * `/logout?scope=`, `GET /auth/v1/user` and `/.well-known/jwks.json` — with GoTrue's JSON shapes, error codes and
 * messages (the `2024-01-01` API version's `{code, msg}` bodies when asked for, the legacy `{code, error_code, msg}`
 * otherwise), refresh-token rotation with reuse detection, and access tokens signed HS256 with `jwtSecret`
 * (`aud: authenticated`, `iss: <url>/auth/v1`, `session_id`) or ES256. Confirmation "mails" are kept on the user
 * (`fake.user(email).confirmationCode`). Requests other than the JWKS must carry the anon key as `apikey`, as the
 * Supabase API gateway demands. Tests only.
 * @example
 * const fake = await startFakeSupabase();
 * const settings = testAuthSettings({ supabase: { url: fake.url, anonKey: fake.anonKey, jwtSecret: fake.jwtSecret, backend: true } });
 * afterAll(() => fake.close());
 */
export async function startFakeSupabase(options: FakeSupabaseOptions = {}): Promise<FakeSupabase> {
  const jwtSecret = options.jwtSecret ?? FAKE_SUPABASE_JWT_SECRET;
  const anonKey = options.anonKey ?? FAKE_SUPABASE_ANON_KEY;
  const algorithm = options.algorithm ?? 'HS256';
  const ttlS = options.accessTokenTtlS ?? 3600;
  const config: FakeSupabaseConfig = {
    autoconfirm: options.autoconfirm ?? false,
    signupDisabled: options.signupDisabled ?? false,
    mailIntervalS: options.mailIntervalS ?? 60,
    failWith: options.failWith ?? null,
  };
  const secret = new TextEncoder().encode(jwtSecret);
  const pair = algorithm === 'ES256' ? await generateKeyPair('ES256', { extractable: true }) : undefined;
  const publicJwk: JWK | undefined = pair
    ? { ...(await exportJWK(pair.publicKey)), kid: `fake-${randomToken()}`, alg: 'ES256', use: 'sig', key_ops: ['verify'] }
    : undefined;

  const users = new Map<string, FakeSupabaseUser>();
  const sessions = new Map<string, { userId: string }>();
  const refreshTokens = new Map<string, { sessionId: string; revoked: boolean }>();
  const requests: string[] = [];
  let url = '';

  const userById = (id: string) => [...users.values()].find((u) => u.id === id);
  const endSession = (sessionId: string) => {
    sessions.delete(sessionId);
    for (const [token, entry] of refreshTokens) if (entry.sessionId === sessionId) refreshTokens.delete(token);
  };

  const sign = (claims: JWTPayload, sub: string, aud: string, expiresInS: number) => {
    const iat = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader(publicJwk ? { alg: 'ES256', typ: 'JWT', kid: publicJwk.kid! } : { alg: 'HS256', typ: 'JWT' })
      .setIssuer(`${url}/auth/v1`)
      .setSubject(sub)
      .setAudience(aud)
      .setIssuedAt(iat)
      .setExpirationTime(iat + expiresInS);
    return pair ? jwt.sign(pair.privateKey) : jwt.sign(secret);
  };

  /** A new session (or the next token of `sessionId`'s): GoTrue's `AccessTokenResponse`. */
  const sessionFor = async (user: FakeSupabaseUser, method: string, sessionId: string = crypto.randomUUID()) => {
    sessions.set(sessionId, { userId: user.id });
    const refreshToken = randomToken();
    refreshTokens.set(refreshToken, { sessionId, revoked: false });
    const now = Math.floor(Date.now() / 1000);
    const json = userJson(user);
    const claims = {
      email: user.email,
      phone: '',
      app_metadata: json.app_metadata,
      user_metadata: json.user_metadata,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method, timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    };
    return {
      access_token: await sign(claims, user.id, 'authenticated', ttlS),
      token_type: 'bearer',
      expires_in: ttlS,
      expires_at: now + ttlS,
      refresh_token: refreshToken,
      user: json,
    };
  };

  /** Seconds to wait before another confirmation mail, or 0 after "sending" one (a new code). */
  const mailConfirmation = (user: FakeSupabaseUser): number => {
    const now = Date.now();
    const since = user.confirmationSentAt ? (now - user.confirmationSentAt.getTime()) / 1000 : Number.POSITIVE_INFINITY;
    if (since < config.mailIntervalS) return Math.max(1, Math.ceil(config.mailIntervalS - since));
    user.confirmationCode = randomCode();
    user.confirmationSentAt = new Date(now);
    return 0;
  };

  const newUser = (email: string, password: string, confirmed: boolean): FakeSupabaseUser => {
    const now = new Date();
    const user: FakeSupabaseUser = {
      id: crypto.randomUUID(),
      email,
      password,
      confirmedAt: confirmed ? now : null,
      lastSignInAt: null,
      createdAt: now,
      updatedAt: now,
      confirmationCode: null,
      confirmationSentAt: null,
    };
    users.set(email, user);
    return user;
  };

  /** A GoTrue error: `{code, msg}` for API version 2024-01-01 callers (supabase-js), `{code: status, error_code, msg}` else. */
  const fail = (c: Context, status: ContentfulStatusCode, code: string, msg: string, extra: Record<string, unknown> = {}) => {
    const modern = (c.req.header('x-supabase-api-version') ?? '') >= API_VERSION;
    if (modern) c.header('x-supabase-api-version', API_VERSION);
    return c.json(modern ? { code, msg, ...extra } : { code: status, error_code: code, msg, ...extra }, status);
  };

  const body = async (c: Context): Promise<Record<string, unknown>> => {
    const parsed: unknown = await c.req.json().catch(() => ({}));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  };
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const emailOf = (value: unknown) => text(value).trim().toLowerCase();

  /** GoTrue's `requireAuthentication` and session check: the Bearer token's user and session, or the error answer. */
  const authenticate = async (c: Context) => {
    const token = c.req.header('authorization')?.match(/^bearer\s+(\S+)$/i)?.[1];
    if (!token) return { error: fail(c, 401, 'no_authorization', 'This endpoint requires a valid Bearer token') };
    let claims: JWTPayload;
    try {
      claims = (await jwtVerify(token, pair ? pair.publicKey : secret, { audience: 'authenticated', algorithms: [algorithm] })).payload;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { error: fail(c, 403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${reason}`) };
    }
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : '';
    if (!sessions.has(sessionId)) {
      return { error: fail(c, 403, 'session_not_found', 'Session from session_id claim in JWT does not exist') };
    }
    const user = userById(claims.sub ?? '');
    if (!user) return { error: fail(c, 403, 'user_not_found', 'User from sub claim in JWT does not exist') };
    return { user, sessionId };
  };

  const app = new Hono();
  app.use(async function gateway(c, next) {
    const target = new URL(c.req.url);
    requests.push(`${c.req.method} ${target.pathname}${target.search}`);
    // The JWKS is public; everything else needs the anon key.
    if (target.pathname !== JWKS_PATH && c.req.header('apikey') !== anonKey) {
      return c.json({ message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' }, 401);
    }
    if (config.failWith !== null) return fail(c, config.failWith, 'unexpected_failure', 'Service unavailable');
    return next();
  });

  app.post('/auth/v1/token', async (c) => {
    const input = await body(c);
    const grant = c.req.query('grant_type');
    if (grant === 'password') {
      const email = emailOf(input.email);
      if (!email) return fail(c, 400, 'validation_failed', 'missing email or phone');
      const user = users.get(email);
      if (!user || user.password !== input.password) return fail(c, 400, 'invalid_credentials', 'Invalid login credentials');
      if (!user.confirmedAt) return fail(c, 400, 'email_not_confirmed', 'Email not confirmed');
      user.lastSignInAt = new Date();
      return c.json(await sessionFor(user, 'password'));
    }
    if (grant === 'refresh_token') {
      const entry = refreshTokens.get(text(input.refresh_token));
      const session = entry ? sessions.get(entry.sessionId) : undefined;
      if (!entry || !session) return fail(c, 400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      if (entry.revoked) {
        endSession(entry.sessionId);
        return fail(c, 400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
      }
      entry.revoked = true;
      const user = userById(session.userId)!;
      return c.json(await sessionFor(user, 'token_refresh', entry.sessionId));
    }
    return fail(c, 400, 'validation_failed', 'unsupported_grant_type');
  });

  app.post('/auth/v1/signup', async (c) => {
    const input = await body(c);
    if (config.signupDisabled) return fail(c, 422, 'signup_disabled', 'Signups not allowed for this instance');
    const email = emailOf(input.email);
    if (!EMAIL.test(email)) return fail(c, 400, 'email_address_invalid', `Email address "${text(input.email)}" is invalid`);
    const password = text(input.password);
    if (password.length < 6) {
      return fail(c, 422, 'weak_password', 'Password should be at least 6 characters.', { weak_password: { reasons: ['length'] } });
    }
    const existing = users.get(email);
    if (existing?.confirmedAt) {
      if (config.autoconfirm) return fail(c, 422, 'user_already_exists', 'User already registered');
      return c.json(obfuscatedUserJson(existing));
    }
    const user = existing ?? newUser(email, password, false);
    if (config.autoconfirm) {
      user.confirmedAt = user.lastSignInAt = new Date();
      return c.json(await sessionFor(user, 'password'));
    }
    const wait = mailConfirmation(user);
    if (wait > 0) return fail(c, 429, 'over_email_send_rate_limit', `For security purposes, you can only request this after ${wait} seconds.`);
    return c.json(userJson(user));
  });

  app.post('/auth/v1/verify', async (c) => {
    const input = await body(c);
    if (input.type !== 'signup' && input.type !== 'email') return fail(c, 400, 'validation_failed', 'Verify requires a verification type');
    const user = users.get(emailOf(input.email));
    const sentAt = user?.confirmationSentAt?.getTime() ?? 0;
    const valid = user?.confirmationCode && user.confirmationCode === input.token && Date.now() - sentAt < 86_400_000;
    if (!user || !valid) return fail(c, 403, 'otp_expired', 'Token has expired or is invalid');
    user.confirmedAt = user.lastSignInAt = user.updatedAt = new Date();
    user.confirmationCode = null;
    return c.json(await sessionFor(user, 'otp'));
  });

  app.post('/auth/v1/resend', async (c) => {
    const input = await body(c);
    if (input.type !== 'signup') return fail(c, 400, 'validation_failed', 'Missing one of these types: signup, email_change, sms, phone_change');
    const user = users.get(emailOf(input.email));
    if (!user || user.confirmedAt) return c.json({});
    const wait = mailConfirmation(user);
    if (wait > 0) return fail(c, 429, 'over_email_send_rate_limit', `For security purposes, you can only request this after ${wait} seconds.`);
    return c.json({});
  });

  app.post('/auth/v1/logout', async (c) => {
    const scope = c.req.query('scope') ?? 'global';
    if (!['global', 'local', 'others'].includes(scope)) return fail(c, 400, 'validation_failed', 'Unsupported logout scope');
    const caller = await authenticate(c);
    if ('error' in caller) return caller.error;
    for (const [sessionId, session] of sessions) {
      const current = sessionId === caller.sessionId;
      if (session.userId !== caller.user.id) continue;
      if (scope === 'global' || (scope === 'local' && current) || (scope === 'others' && !current)) endSession(sessionId);
    }
    return c.body(null, 204);
  });

  app.get('/auth/v1/user', async (c) => {
    const caller = await authenticate(c);
    return 'error' in caller ? caller.error : c.json(userJson(caller.user));
  });

  app.get(JWKS_PATH, (c) => c.json({ keys: publicJwk ? [publicJwk] : [] }));

  // GoTrue's /health, behind the anon key like every route but the JWKS (Supabase's API gateway checks it).
  app.get('/auth/v1/health', (c) => c.json({ version: 'v2.170.0', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' }));

  app.notFound((c) => fail(c, 404, 'not_found', 'Not Found'));

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    anonKey,
    jwtSecret,
    config,
    requests,
    user: (email) => users.get(email.toLowerCase()),
    createUser: (email, password, { confirmed = true } = {}) => newUser(email.toLowerCase(), password, confirmed),
    sessionCount: (userId) => [...sessions.values()].filter((s) => s.userId === userId).length,
    signAccessToken({ sub, email, aud = 'authenticated', expiresInS = ttlS, extra = {} }) {
      const claims = { ...(email === undefined ? {} : { email }), role: 'authenticated', ...extra };
      return sign(claims, sub, aud, expiresInS);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
