import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformApps } from '../../../../all-in-one/build.ts';
import { buildTestPlatform } from '../../../../all-in-one/testing.ts';
import { createPostgresDb } from '../../../../lib/db/postgres.ts';
import type { Db } from '../../../../lib/db/types.ts';
import { createFreshDatabase, type DbBackend, dbBackends } from '../../../../lib/testing/db.ts';
import { createTestRuntime, type TestRuntime } from '../../../../lib/testing/harness.ts';
import { startTcpProxy } from '../../../../lib/testing/tcp-proxy.ts';
import { createApp } from '../../app.ts';
import { type AuthSettings, startAuth } from '../../deps.ts';
import { type FakeSupabase, startFakeSupabase } from '../../supabase/fake-supabase.ts';
import { createAuthTestDeps, testAuthSettings } from '../../testing.ts';
import { AuthHealthSchema } from './get-auth-health.ts';

type Json = Record<string, unknown>;
interface Health {
  service: string;
  timestamp: string;
  overall_status: string;
  checks: Record<string, Json>;
  error_count?: number;
  warning_count?: number;
}

const keys = (value: unknown) => Object.keys(value as object).sort();
const TOP_KEYS = ['checks', 'overall_status', 'service', 'timestamp'];
const CHECK_KEYS = ['ai_provider', 'api_key_validation', 'auth_backend', 'secrets'];
const AI_PROVIDER = { status: 'healthy', required: false, configured: false };

async function health(app: { request: (path: string) => Response | Promise<Response> }): Promise<Health> {
  const res = await app.request('/auth/health');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as Health;
  // Every answer matches the documented schema (openapi/auth.json).
  expect(AuthHealthSchema.safeParse(body).error).toBeUndefined();
  return body;
}

function expectHealthyKeyValidation(check: Json | undefined): void {
  expect(keys(check)).toEqual(['backend', 'response_time', 'status', 'test_performed']);
  expect(check).toMatchObject({ status: 'healthy', backend: 'postgresql', test_performed: true });
  expect(check?.response_time).toBeGreaterThanOrEqual(0);
  expect(check?.response_time).toBeLessThan(2);
}

/** A database of our own that a test can take down: PGlite closed for good, PostgreSQL behind a TCP proxy that stops. */
interface BreakableDb {
  db: Db;
  down(): Promise<void>;
  close(): Promise<void>;
}

async function breakableDb(backend: DbBackend): Promise<BreakableDb> {
  if (backend.name === 'pglite') {
    const db = await backend.create();
    let closed = false;
    const closeOnce = async () => {
      if (!closed) await db.close();
      closed = true;
    };
    return { db, down: closeOnce, close: closeOnce };
  }
  const fresh = await createFreshDatabase(process.env.DATABASE_URL!, 'gaia_health');
  const target = new URL(fresh.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  target.hostname = '127.0.0.1';
  target.port = String(proxy.port);
  const db = createPostgresDb(target.toString(), { max: 2, connectTimeoutS: 2 });
  return {
    db,
    down: () => proxy.stop(),
    async close() {
      await db.close();
      await proxy.close();
      await fresh.drop();
    },
  };
}

describe.each(dbBackends())('GET /auth/health through the gateway on $name', (backend) => {
  let database: BreakableDb;
  let runtime: TestRuntime;
  let platform: PlatformApps;

  beforeAll(async () => {
    database = await breakableDb(backend);
    runtime = await createTestRuntime({ db: database.db });
    platform = await buildTestPlatform(runtime);
    await platform.started;
  }, 60_000);
  afterAll(async () => {
    platform?.stop();
    await runtime?.close();
    await database?.close();
  });

  it('is healthy with every GAIA check, exact key sets, and no counts', async () => {
    const body = await health(platform.gateway);
    expect(keys(body)).toEqual(TOP_KEYS);
    expect(body).toMatchObject({ service: 'auth', overall_status: 'healthy' });
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    expect(keys(body.checks)).toEqual(CHECK_KEYS);
    // The all-in-one gives auth the gateway's internal public key.
    expect(body.checks.secrets).toEqual({ status: 'healthy', signing_key: 'usable', internal_keys: 1 });
    expect(body.checks.auth_backend).toEqual({ configured: 'postgresql', status: 'healthy' });
    expectHealthyKeyValidation(body.checks.api_key_validation);
    expect(body.checks.ai_provider).toEqual(AI_PROVIDER);
  });

  it('really looks a key up: with the key table gone only api_key_validation fails', async () => {
    await runtime.db.exec('alter table auth.api_keys rename to api_keys_moved');
    try {
      const body = await health(platform.gateway);
      expect(keys(body)).toEqual([...TOP_KEYS, 'error_count'].sort());
      expect(body).toMatchObject({ overall_status: 'error', error_count: 1 });
      expect(body.checks.api_key_validation).toEqual({
        status: 'error',
        backend: 'postgresql',
        test_performed: true,
        error: 'the key store could not be queried (is the database up and migrated?)',
      });
      expect(body.checks.auth_backend).toEqual({ configured: 'postgresql', status: 'healthy' });
      const logged = runtime.logger.entries().find((e) => e.msg === 'auth health check failed');
      expect(logged).toMatchObject({ level: 'warn', check: 'api_key_validation', service: 'auth' });
      expect(JSON.stringify(logged)).toMatch(/api_keys/);
    } finally {
      await runtime.db.exec('alter table auth.api_keys_moved rename to api_keys');
    }
    expect((await health(platform.gateway)).overall_status).toBe('healthy');
  });

  it('with the database down: error, error_count 2 (backend and key validation), still 200 and fast', async () => {
    await health(platform.gateway); // the signing key is cached from here on, as on a running service
    await database.down();
    const started = performance.now();
    const body = await health(platform.gateway);
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(keys(body)).toEqual([...TOP_KEYS, 'error_count'].sort());
    expect(body).toMatchObject({ service: 'auth', overall_status: 'error', error_count: 2 });
    expect(body).not.toHaveProperty('warning_count');
    expect(keys(body.checks)).toEqual(CHECK_KEYS);
    expect(keys(body.checks.auth_backend)).toEqual(['configured', 'error', 'status']);
    expect(body.checks.auth_backend).toMatchObject({ configured: 'postgresql', status: 'error' });
    expect(body.checks.api_key_validation).toEqual({
      status: 'error',
      backend: 'postgresql',
      test_performed: true,
      error: 'the key store could not be queried (is the database up and migrated?)',
    });
    expect(body.checks.secrets).toEqual({ status: 'healthy', signing_key: 'usable', internal_keys: 1 });
    expect(body.checks.ai_provider).toEqual(AI_PROVIDER);
  });
});

describe('GET /auth/health of the auth service alone', () => {
  let runtime: TestRuntime;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    runtime = await createTestRuntime();
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await runtime.close();
  });

  async function authApp(settings: Partial<AuthSettings>) {
    const deps = createAuthTestDeps(runtime, { settings: testAuthSettings(settings) });
    await startAuth(deps);
    return createApp(deps);
  }

  it('warns (warning_count 1) without the gateway key or with a published Supabase secret, and never shows the secret', async () => {
    const published = 'super-secret-jwt-token-with-at-least-32-characters-long';
    const body = await health(await authApp({ supabase: { jwtSecret: published, backend: false } }));
    expect(keys(body)).toEqual([...TOP_KEYS, 'warning_count'].sort());
    expect(body).toMatchObject({ overall_status: 'warning', warning_count: 1 });
    expect(keys(body.checks)).toEqual([...CHECK_KEYS, 'supabase'].sort());
    expect(keys(body.checks.secrets)).toEqual(['internal_keys', 'signing_key', 'status', 'warning']);
    expect(body.checks.secrets).toMatchObject({ status: 'warning', signing_key: 'usable', internal_keys: 0 });
    expect(body.checks.secrets?.warning).toMatch(/INTERNAL_SIGNING_KEY is not set.*SUPABASE_JWT_SECRET is a published example value/);
    // Only a shared secret: nothing to call.
    expect(body.checks.supabase).toEqual({ status: 'healthy', service: 'supabase', url: null, responsive: null });
    expectHealthyKeyValidation(body.checks.api_key_validation);
    expect(JSON.stringify(body)).not.toContain(published);
  });

  it('flags a low-variety Supabase secret too', async () => {
    const weak = 'abababababababababababababababab';
    const body = await health(await authApp({ supabase: { jwtSecret: weak, backend: false }, internalPublicKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'x' }] }));
    expect(body).toMatchObject({ overall_status: 'warning', warning_count: 1 });
    expect(body.checks.secrets).toEqual({
      status: 'warning',
      signing_key: 'usable',
      internal_keys: 1,
      warning: "SUPABASE_JWT_SECRET looks weak (too few distinct characters): set the project's own secret",
    });
    expect(JSON.stringify(body)).not.toContain(weak);
  });

  describe('with Supabase', () => {
    let fake: FakeSupabase;
    const internalPublicKeys = [{ kty: 'OKP', crv: 'Ed25519', x: 'x' }];

    beforeAll(async () => {
      fake = await startFakeSupabase();
      cleanups.push(() => fake.close());
    });

    it('as the backend: asks Supabase Auth with the anon key and reports it', async () => {
      const app = await authApp({
        internalPublicKeys,
        supabase: { url: fake.url, anonKey: fake.anonKey, jwtSecret: fake.jwtSecret, backend: true },
      });
      fake.config.failWith = null;
      const body = await health(app);
      expect(body).toMatchObject({ overall_status: 'healthy' });
      expect(keys(body)).toEqual(TOP_KEYS);
      expect(keys(body.checks)).toEqual([...CHECK_KEYS, 'supabase'].sort());
      expect(keys(body.checks.supabase)).toEqual(['response_time', 'responsive', 'service', 'status', 'url']);
      expect(body.checks.supabase).toMatchObject({ status: 'healthy', service: 'supabase', url: fake.url, responsive: true });
      expect(body.checks.auth_backend).toEqual({ configured: 'supabase', status: 'healthy' });
      expect(fake.requests).toContain('GET /auth/v1/health');
      expect(JSON.stringify(body)).not.toContain(fake.anonKey);
      expect(JSON.stringify(body)).not.toContain(fake.jwtSecret);

      fake.config.failWith = 503;
      try {
        const down = await health(app);
        expect(down).toMatchObject({ overall_status: 'error', error_count: 2 });
        expect(down.checks.supabase).toMatchObject({ status: 'error', responsive: true, error: 'Supabase answered 503' });
        expect(down.checks.auth_backend).toEqual({ configured: 'supabase', status: 'error', error: 'Supabase answered 503' });
      } finally {
        fake.config.failWith = null;
      }
    });

    it('as the backend with a wrong anon key: an error that names SUPABASE_ANON_KEY', async () => {
      const app = await authApp({ internalPublicKeys, supabase: { url: fake.url, anonKey: 'not-the-anon-key', backend: true } });
      const body = await health(app);
      expect(body).toMatchObject({ overall_status: 'error', error_count: 2 });
      expect(body.checks.supabase?.error).toBe('Supabase answered 401: it refused the anon key (check SUPABASE_ANON_KEY)');
      expect(JSON.stringify(body)).not.toContain('not-the-anon-key');
    });

    it('for token verification only: an unreachable project is a warning', async () => {
      const gone = await startFakeSupabase();
      await gone.close();
      const body = await health(await authApp({ internalPublicKeys, supabase: { url: gone.url, backend: false } }));
      expect(body).toMatchObject({ overall_status: 'warning', warning_count: 1 });
      expect(keys(body.checks.supabase)).toEqual(['responsive', 'service', 'status', 'url', 'warning']);
      expect(body.checks.supabase).toMatchObject({ status: 'warning', url: gone.url, responsive: false });
      expect(body.checks.supabase?.warning).toMatch(/^unreachable: /);
      expect(body.checks.auth_backend).toEqual({ configured: 'postgresql', status: 'healthy' });
    });
  });
});
