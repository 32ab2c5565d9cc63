import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal, Role } from '../../lib/auth/types.ts';
import { migrate } from '../../lib/db/migrate.ts';
import type { Db, Migration, SqlRunner } from '../../lib/db/types.ts';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { createTestRuntime, type TestRuntime } from '../../lib/testing/harness.ts';
import { authMigrations } from './db/migrations.ts';
import type { AuthDeps, AuthSettings } from './deps.ts';
import { createOutboxMailer } from './mail/outbox-mailer.ts';
import { ScryptHasher } from './node/scrypt-hasher.ts';
import { registerIdentityRoutes } from './routes/register.ts';

/** GAIA-API §10's exact key sets: a user, a session, and the session response (with its top-level copies). */
export const GAIA_USER_KEYS = [
  'app_metadata',
  'aud',
  'created_at',
  'email',
  'email_confirmed_at',
  'id',
  'last_sign_in_at',
  'role',
  'updated_at',
  'user_metadata',
];
export const GAIA_SESSION_KEYS = ['access_token', 'expires_at', 'expires_in', 'refresh_token', 'token_type', 'user'];
export const GAIA_SESSION_RESPONSE_KEYS = ['access_token', 'expires_in', 'refresh_token', 'session', 'token_type', 'user'];

/** The `iss` of tokens issued in tests. */
export const TEST_ISSUER = 'https://auth.gaia.test';

/**
 * Auth settings for tests: issuer {@link TEST_ISSUER}, 900 s access tokens, 30-day refresh tokens, no email
 * confirmation (register answers a session), no internal public keys.
 * @example const deps = createAuthTestDeps(runtime, { settings: testAuthSettings({ requireEmailConfirmation: true }) });
 */
export function testAuthSettings(overrides: Partial<AuthSettings> = {}): AuthSettings {
  return {
    issuer: TEST_ISSUER,
    accessTokenTtlS: 900,
    refreshTokenTtlS: 30 * 24 * 60 * 60,
    apiKeyEnv: 'test',
    keyRotationDays: 30,
    keyOverlapS: 24 * 60 * 60,
    requireEmailConfirmation: false,
    internalPublicKeys: [],
    ...overrides,
  };
}

/**
 * `AuthDeps` over a test runtime: its db, kv, logger and readiness, {@link testAuthSettings}, a cheap scrypt
 * (N = 2^4: fast, for tests only), the outbox mailer and the real clock; `overrides` replace any of them.
 * @example
 * const runtime = await createTestRuntime();
 * const deps = createAuthTestDeps(runtime);
 * await startAuth(deps);
 */
export function createAuthTestDeps(runtime: TestRuntime, overrides: Partial<AuthDeps> = {}): AuthDeps {
  const db = overrides.db ?? runtime.db;
  const logger = overrides.logger ?? runtime.logger;
  return {
    logger,
    readiness: runtime.readiness,
    db,
    kv: runtime.kv,
    settings: testAuthSettings(),
    passwordHasher: new ScryptHasher({ cost: 2 ** 4 }),
    mailer: createOutboxMailer({ db, logger }),
    now: () => Date.now(),
    ...overrides,
  };
}

/** Request header a test sets to act as a principal (JSON of a `Principal`); only {@link createIdentityTestApp} reads it. */
export const TEST_PRINCIPAL_HEADER = 'X-Test-Principal';

/**
 * The identity routes on a service app, with a stand-in for the authentication middleware: the principal is the JSON
 * in {@link TEST_PRINCIPAL_HEADER}, if any. Tests only.
 * @example const res = await createIdentityTestApp(deps).request('/auth/me', { headers: { [TEST_PRINCIPAL_HEADER]: JSON.stringify(p) } });
 */
export function createIdentityTestApp(deps: AuthDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({ service: 'auth', version: 'test', logger: deps.logger, readiness: deps.readiness });
  app.use(async function testPrincipal(c, next) {
    const raw = c.req.header(TEST_PRINCIPAL_HEADER);
    if (raw) c.set('principal', JSON.parse(raw) as Principal);
    await next();
  });
  registerIdentityRoutes(app, deps);
  return app;
}

export interface IdentityTestbed {
  runtime: TestRuntime;
  deps: AuthDeps;
  app: OpenAPIHono<AppEnv>;
  /** Closes the runtime and the database. */
  close(): Promise<void>;
}

/**
 * A migrated database, test deps and {@link createIdentityTestApp}. The testbed owns `db` (closing it on `close`);
 * without one it uses an in-memory PGlite, migrated with every auth migration (unless `migrations` says otherwise).
 * Tests only.
 * @example const bed = await createIdentityTestbed({ db: await backend.create() }); afterAll(() => bed.close());
 */
export async function createIdentityTestbed(
  options: { db?: Db; overrides?: Partial<AuthDeps>; migrations?: Migration[] } = {},
): Promise<IdentityTestbed> {
  const runtime = await createTestRuntime(options.db ? { db: options.db } : {});
  await migrate(runtime.db, 'auth', options.migrations ?? authMigrations);
  const deps = createAuthTestDeps(runtime, options.overrides);
  return {
    runtime,
    deps,
    app: createIdentityTestApp(deps),
    async close() {
      await runtime.close();
      if (options.db) await options.db.close();
    },
  };
}

/**
 * A fresh address per test (the `auth` schema is shared between suites on PostgreSQL).
 * @example const email = uniqueEmail('ada'); // 'ada-1f3c...@example.com'
 */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${crypto.randomUUID()}@example.com`;
}

/**
 * `RequestInit` for a JSON POST.
 * @example await app.request('/auth/login', postJson({ email, password }));
 */
export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

/**
 * The body of the latest mail queued for `recipient` in `auth.outbox`, or `null`.
 * @example const code = confirmationCodeIn((await latestMail(db, email))!);
 */
export async function latestMail(db: Db, recipient: string): Promise<string | null> {
  const [row] = await db.query<{ body: string }>(
    'select body from auth.outbox where recipient = $1 order by created_at desc, id desc limit 1',
    [recipient],
  );
  return row?.body ?? null;
}

/**
 * The confirmation code in a confirmation mail's text (the line that is only a base64url secret).
 * @example confirmationCodeIn(text); // 'kq3...'
 */
export function confirmationCodeIn(text: string): string | null {
  return text.split('\n').find((line) => /^[A-Za-z0-9_-]{40,}$/.test(line)) ?? null;
}

/**
 * Tests only: gives `userId` the role straight in the database — no audit row, no token version bump (what
 * `setUserRoles` does for real).
 * @example await grantRoleInDb(bed.runtime.db, user.id, 'kb_editor');
 */
export async function grantRoleInDb(db: SqlRunner, userId: string, role: Role): Promise<void> {
  await db.query('insert into auth.user_roles (user_id, role) values ($1, $2) on conflict do nothing', [userId, role]);
}
