export { type CreateDbOptions, createDb } from './create-db.ts';
export { type MigrateResult, migrate, migrationChecksum } from './migrate.ts';
export { createPgliteDb, type PgliteDbOptions } from './pglite.ts';
export { createPostgresDb, type PostgresDbOptions, type PostgresNotice } from './postgres.ts';
export type { Db, Migration, Row, SqlRunner } from './types.ts';
