import { type Logger, silentLogger } from '../logging/logger.ts';
import type { Db, Migration, SqlRunner } from './types.ts';

export interface MigrateResult {
  /** Ids applied by this call, in order; empty when the schema was already up to date. */
  applied: string[];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Hex SHA-256 of a migration's SQL (Web Crypto, so it runs on every runtime).
 * @example await migrationChecksum('create table auth.users (id text primary key)'); // '3f1c...'
 */
export async function migrationChecksum(sql: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(sql));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function validate(schema: string, migrations: readonly Migration[]): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid schema name "${schema}": use lower-case letters, digits and _ (not starting with a digit)`);
  }
  migrations.forEach((m, i) => {
    if (m.id.length === 0) throw new Error(`Migration #${i + 1} of schema ${schema} has an empty id`);
    const previous = migrations[i - 1];
    if (previous === undefined) return;
    if (previous.id === m.id) throw new Error(`Migration id ${m.id} is used twice in schema ${schema}`);
    if (previous.id > m.id) {
      throw new Error(`Migrations of schema ${schema} must be sorted by id: ${previous.id} comes before ${m.id}`);
    }
  });
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function applyPending(
  tx: SqlRunner,
  schema: string,
  migrations: readonly Migration[],
  checksums: readonly string[],
  logger: Logger,
): Promise<string[]> {
  // Serialises concurrent migrators of this schema (other instances starting at the same time) until commit.
  // Taken before the `if not exists` DDL below, which itself races when two sessions run it at once.
  await tx.query(`select pg_advisory_xact_lock(hashtext('gaia:migrate:' || $1::text))`, [schema]);
  await tx.exec(
    `create schema if not exists "${schema}";
     create table if not exists "${schema}".schema_migrations (
       id text primary key,
       checksum text not null,
       applied_at timestamptz not null default now()
     );`,
  );
  const rows = await tx.query<{ id: string; checksum: string }>(`select id, checksum from "${schema}".schema_migrations`);
  const recorded = new Map(rows.map((r) => [r.id, r.checksum]));

  const known = new Set(migrations.map((m) => m.id));
  const unknown = rows.map((r) => r.id).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    logger.warn('database has migrations this code does not know (newer version deployed before?)', { schema, ids: unknown });
  }

  const applied: string[] = [];
  for (const [i, migration] of migrations.entries()) {
    const checksum = checksums[i]!;
    const previous = recorded.get(migration.id);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new Error(
          `Migration ${migration.id} of schema ${schema} was changed after it was applied; add a new migration instead`,
        );
      }
      continue;
    }
    try {
      await tx.exec(migration.sql);
    } catch (err) {
      throw new Error(`Migration ${migration.id} of schema ${schema} failed: ${describe(err)}`, { cause: err });
    }
    await tx.query(`insert into "${schema}".schema_migrations (id, checksum) values ($1, $2)`, [migration.id, checksum]);
    applied.push(migration.id);
  }
  return applied;
}

/**
 * Brings `schema` up to date: creates it and `<schema>.schema_migrations`, then applies every migration not yet
 * recorded, in id order, all in ONE transaction (a failure leaves nothing applied) under an advisory lock, so
 * instances starting together apply each migration exactly once. Forward-only: a recorded migration whose SQL
 * changed is an error. Migrations therefore must be transactional (no `create index concurrently`).
 * @example const { applied } = await migrate(db, 'auth', [{ id: '0001_users', sql: 'create table auth.users (...)' }], log);
 */
export async function migrate(
  db: Db,
  schema: string,
  migrations: readonly Migration[],
  logger: Logger = silentLogger,
): Promise<MigrateResult> {
  validate(schema, migrations);
  const checksums = await Promise.all(migrations.map((m) => migrationChecksum(m.sql)));
  const applied = await db.transaction((tx) => applyPending(tx, schema, migrations, checksums, logger));
  // Logged after commit: before it, "applied" could still be rolled back.
  for (const id of applied) logger.info('migration applied', { schema, id });
  return { applied };
}
