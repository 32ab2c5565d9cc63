import { createDb } from '../../lib/db/create-db.ts';
import { createPostgresDb } from '../../lib/db/postgres.ts';
import type { Db } from '../../lib/db/types.ts';

export type Backend = 'postgres' | 'pglite';

/**
 * The benchmark's database: `target` is a `postgres://` URL or a data directory (embedded PGlite in `<dir>/pglite`,
 * as `npm start` keeps it).
 * @example const db = await openDb('postgres://postgres@127.0.0.1:5432/kb_bench');
 */
export function openDb(target: string): Promise<Db> {
  return createDb(target.startsWith('postgres') ? { databaseUrl: target, max: 10 } : { dataDir: target });
}

/** `url` with its database replaced by `name`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Creates a fresh PostgreSQL database for the run (dropping a leftover of the same name) and returns its URL.
 * @example const url = await createDatabase('postgres://postgres@127.0.0.1:5432/test', 'kb_bench');
 */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = createPostgresDb(adminUrl, { max: 1 });
  try {
    await admin.exec(`drop database if exists "${name}" with (force)`);
    await admin.exec(`create database "${name}"`);
  } finally {
    await admin.close();
  }
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = createPostgresDb(adminUrl, { max: 1 });
  try {
    await admin.exec(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.close();
  }
}

/**
 * `VACUUM ANALYZE` of the kb tables: merges the GIN index's pending list and gives the planner statistics (what
 * autovacuum does a while after a large index run).
 */
export async function vacuumAnalyze(url: string): Promise<void> {
  const db = createPostgresDb(url, { max: 1 });
  try {
    await db.exec('vacuum analyze kb.documents, kb.chunks');
  } finally {
    await db.close();
  }
}
