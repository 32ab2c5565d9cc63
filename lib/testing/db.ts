import { createPgliteDb } from '../db/pglite.ts';
import { createPostgresDb } from '../db/postgres.ts';
import type { Db } from '../db/types.ts';

export interface DbBackend {
  name: Db['kind'];
  /** A new Db; the caller closes it. */
  create: () => Promise<Db>;
}

type TestEnv = Record<string, string | undefined>;

/**
 * The databases a suite runs against: always in-memory PGlite, plus PostgreSQL when `DATABASE_URL` is set.
 * In CI (`CI=true`) a missing `DATABASE_URL` is an error, so PostgreSQL tests are never skipped silently.
 * @example describe.each(dbBackends())('$name', ({ create }) => { ... });
 */
export function dbBackends(env: TestEnv = process.env): DbBackend[] {
  const backends: DbBackend[] = [{ name: 'pglite', create: () => createPgliteDb() }];
  const url = env.DATABASE_URL;
  if (url) {
    backends.push({ name: 'postgres', create: async () => createPostgresDb(url, { max: 4, connectTimeoutS: 5 }) });
  } else if (env.CI === 'true') {
    throw new Error('CI must set DATABASE_URL: the PostgreSQL adapter tests would otherwise be skipped');
  }
  return backends;
}

/**
 * A fresh schema name (`t_<16 hex>`), so tests sharing one PostgreSQL database never see each other's tables.
 * @example const schema = uniqueSchema(); await db.exec(`create schema ${schema}`);
 */
export function uniqueSchema(prefix = 't'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Drops a test schema and everything in it (the cleanup for {@link uniqueSchema}).
 * @example afterEach(() => dropSchema(db, schema));
 */
export async function dropSchema(db: Db, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Refusing to drop oddly named schema "${schema}"`);
  await db.exec(`drop schema if exists "${schema}" cascade`);
}

/**
 * A fresh PostgreSQL database on the server of `url` (for suites that need the services' fixed schemas — `auth`,
 * `chat`, `kb`... — to themselves), and `drop()`, which removes it once its `db` is closed.
 * @example const { db, drop } = await scratchDatabase(process.env.DATABASE_URL!); ...; await db.close(); await drop();
 */
export async function scratchDatabase(url: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  const name = uniqueSchema('scratch');
  const admin = createPostgresDb(url, { max: 1, connectTimeoutS: 5 });
  try {
    await admin.exec(`create database "${name}"`);
  } finally {
    await admin.close();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    db: createPostgresDb(target.toString(), { max: 4, connectTimeoutS: 5 }),
    async drop() {
      const again = createPostgresDb(url, { max: 1, connectTimeoutS: 5 });
      try {
        await again.exec(`drop database if exists "${name}" with (force)`);
      } finally {
        await again.close();
      }
    },
  };
}
