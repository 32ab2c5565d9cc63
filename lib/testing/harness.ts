import { createPgliteDb } from '../db/pglite.ts';
import type { Db } from '../db/types.ts';
import { createMemoryKv } from '../kv/memory.ts';
import type { Kv } from '../kv/types.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import { Readiness } from '../readiness/readiness.ts';

export interface TestRuntime {
  /** Keeps every log line, so tests can assert on logs (and that no secret reached them). */
  logger: ReturnType<typeof createMemoryLogger>;
  readiness: Readiness;
  db: Db;
  kv: Kv;
  close(): Promise<void>;
}

/**
 * Embedded dependencies for one test: in-memory PGlite, in-memory KV, a memory logger. Pass `db`/`kv` to run the
 * same test on PostgreSQL or Redis (see `dbBackends()` / `kvBackends()`).
 * @example const rt = await createTestRuntime(); const app = createApp(rt); await startKb(rt);
 */
export async function createTestRuntime(overrides: { db?: Db; kv?: Kv } = {}): Promise<TestRuntime> {
  const logger = createMemoryLogger();
  const readiness = new Readiness(logger);
  const db = overrides.db ?? (await createPgliteDb({}));
  const kv = overrides.kv ?? createMemoryKv();
  return {
    logger,
    readiness,
    db,
    kv,
    async close() {
      readiness.stop();
      if (!overrides.db) await db.close();
      if (!overrides.kv) await kv.close();
    },
  };
}

/**
 * Builds any service app on a test runtime and runs its start-up work.
 * @example const { app, runtime } = await buildTestApp(createApp, startAuth);
 */
export async function buildTestApp<A>(
  createApp: (deps: TestRuntime) => A,
  start?: (deps: TestRuntime) => Promise<void>,
  overrides: { db?: Db; kv?: Kv } = {},
): Promise<{ app: A; runtime: TestRuntime }> {
  const runtime = await createTestRuntime(overrides);
  const app = createApp(runtime);
  await start?.(runtime);
  return { app, runtime };
}
