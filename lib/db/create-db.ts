import { createPgliteDb } from './pglite.ts';
import { createPostgresDb } from './postgres.ts';
import type { Db } from './types.ts';

export interface CreateDbOptions {
  /** `postgres://...`: when set, PostgreSQL is used and the other storage options are ignored. */
  databaseUrl?: string;
  /** The service's data directory; the embedded database lives in `<dataDir>/pglite`. */
  dataDir?: string;
  /** Embedded database in memory (tests, demos): nothing survives `close()`. */
  inMemory?: boolean;
  /** PostgreSQL pool size. */
  max?: number;
}

/**
 * Picks the adapter from configuration: PostgreSQL when `databaseUrl` is set, else embedded PGlite on disk under
 * `dataDir` (or in memory). Throws when none is given rather than silently keeping data in memory.
 * @example const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, max: config.DATABASE_POOL_MAX });
 */
export async function createDb(options: CreateDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    return createPostgresDb(options.databaseUrl, options.max === undefined ? {} : { max: options.max });
  }
  if (options.inMemory) return createPgliteDb();
  if (options.dataDir) return createPgliteDb({ dataDir: `${options.dataDir.replace(/\/+$/, '')}/pglite` });
  throw new Error('createDb needs a databaseUrl, a dataDir or inMemory: true');
}
