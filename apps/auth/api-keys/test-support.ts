import type { OpenAPIHono } from '@hono/zod-openapi';
import { createInternalTokenVerifier, INTERNAL_TOKEN_HEADER, signInternalToken } from '../../../lib/auth/internal-token.ts';
import { authenticateService } from '../../../lib/auth/middleware.ts';
import { generateSigningKey, type SigningKey } from '../../../lib/auth/signing-keys.ts';
import type { Principal, Role } from '../../../lib/auth/types.ts';
import { migrate } from '../../../lib/db/migrate.ts';
import { createPostgresDb } from '../../../lib/db/postgres.ts';
import type { Db } from '../../../lib/db/types.ts';
import type { AppEnv } from '../../../lib/http/env.ts';
import { createServiceApp } from '../../../lib/openapi/service-app.ts';
import { createFreshDatabase, type DbBackend } from '../../../lib/testing/db.ts';
import { createTestRuntime, type TestRuntime } from '../../../lib/testing/harness.ts';
import { VERSION } from '../../../lib/version.ts';
import { authMigrations } from '../db/migrations.ts';
import type { AuthDeps, AuthSettings } from '../deps.ts';
import { registerAccessRoutes } from './register.ts';
import { testAuthSettings } from '../testing.ts';

export interface IsolatedDb {
  db: Db;
  /** Another pool on the same database, as a second instance would have (PostgreSQL); undefined on PGlite. */
  connectAgain(): Db | undefined;
  close(): Promise<void>;
}

/**
 * Test-only: a database of our own for one suite. PGlite is in memory anyway; on PostgreSQL a fresh database is
 * created (and dropped on close), because the `auth` schema name is fixed and other suites use it at the same time.
 */
export async function isolatedDb(backend: DbBackend): Promise<IsolatedDb> {
  if (backend.name === 'pglite') {
    const db = await backend.create();
    return { db, connectAgain: () => undefined, close: () => db.close() };
  }
  const fresh = await createFreshDatabase(process.env.DATABASE_URL!, 'gaia_auth_t');
  const db = createPostgresDb(fresh.url, { max: 4, connectTimeoutS: 5 });
  const others: Db[] = [];
  return {
    db,
    connectAgain() {
      const other = createPostgresDb(fresh.url, { max: 2, connectTimeoutS: 5 });
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all(others.map((other) => other.close()));
      await db.close();
      await fresh.drop();
    },
  };
}

/** The shared test settings ({@link testAuthSettings}) with a short key overlap. */
export const testSettings = (overrides: Partial<AuthSettings> = {}): AuthSettings => testAuthSettings({ keyOverlapS: 600, ...overrides });

/** Auth deps on a test runtime, with a clock tests can move (`advance`). */
export interface AccessTestDeps extends AuthDeps {
  runtime: TestRuntime;
  advance(ms: number): void;
}

/** Builds AuthDeps by hand over `db` (migrated with the real auth migrations), a memory KV and a trivial hasher. */
export async function accessDeps(db: Db, settings: Partial<AuthSettings> = {}): Promise<AccessTestDeps> {
  const runtime = await createTestRuntime({ db });
  await migrate(db, 'auth', authMigrations);
  let offset = 0;
  return {
    runtime,
    logger: runtime.logger,
    readiness: runtime.readiness,
    db,
    kv: runtime.kv,
    settings: testSettings(settings),
    passwordHasher: {
      hash: async (password) => `plain:${password}`,
      verify: async (hash, password) => hash === `plain:${password}`,
    },
    mailer: { send: async () => {} },
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

/** A user with `roles`, inserted directly (the users routes are another module's). */
export async function createUser(deps: Pick<AuthDeps, 'db'>, roles: Role[], email?: string): Promise<Principal> {
  const address = email ?? `${crypto.randomUUID()}@example.com`;
  const [user] = await deps.db.query<{ id: string }>('insert into auth.users (email) values ($1) returning id', [address]);
  for (const role of roles) {
    await deps.db.query('insert into auth.user_roles (user_id, role) values ($1, $2)', [user!.id, role]);
  }
  return { userId: user!.id, email: address, roles, authType: 'jwt' };
}

export interface AccessTestApp {
  app: OpenAPIHono<AppEnv>;
  /** The gateway's signing key the app trusts. */
  gatewayKey: SigningKey;
  /** Request headers carrying `principal` as the gateway would (a fresh internal token for the auth service). */
  as(principal: Principal, extra?: Record<string, string>): Promise<Record<string, string>>;
}

/** The auth service's access routes behind the real `authenticateService`, trusting a freshly generated gateway key. */
export async function accessApp(deps: AuthDeps): Promise<AccessTestApp> {
  const gatewayKey = await generateSigningKey('gw-test');
  const verifier = createInternalTokenVerifier({ audience: 'auth', jwks: { keys: [gatewayKey.publicJwk] } });
  const app = createServiceApp({ service: 'auth', version: VERSION, logger: deps.logger, readiness: deps.readiness });
  app.use(authenticateService({ verifier }));
  registerAccessRoutes(app, deps);
  return {
    app,
    gatewayKey,
    async as(principal, extra = {}) {
      const token = await signInternalToken(gatewayKey, principal, { audience: 'auth' });
      return { [INTERNAL_TOKEN_HEADER]: token, 'content-type': 'application/json', ...extra };
    },
  };
}
