import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Db, Row, SqlRunner } from './types.ts';

export interface PgliteDbOptions {
  /** Directory holding the database files; created if missing. Absent means in-memory (lost on close). */
  dataDir?: string;
}

/** A transaction's runner, remembering the first failed statement (PostgreSQL then only rolls back). */
function runnerOf(tx: Transaction): SqlRunner & { failure: () => unknown } {
  let failed: { error: unknown } | undefined;
  const watch = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      failed ??= { error };
      throw error;
    }
  };
  return {
    query: async <T extends Row = Row>(sql: string, params: readonly unknown[] = []) =>
      (await watch(tx.query<T>(sql, [...params]))).rows,
    exec: async (sql: string) => {
      await watch(tx.exec(sql));
    },
    failure: () => failed?.error,
  };
}

/** `memory://`, `idb://`... are PGlite's own storage URLs, not directories. */
const isDirectory = (dataDir: string) => !dataDir.includes('://');

/**
 * The embedded database: PostgreSQL compiled to WASM, in this process. It is ONE connection, so PGlite queues
 * everything behind a mutex: a `query` issued on the Db while a transaction runs waits until that transaction ends
 * (it never lands inside it). Consequence: inside `transaction(fn)`, use only `tx` — calling the outer Db there
 * waits for the transaction that is waiting for it, i.e. deadlocks.
 * @example const db = await createPgliteDb({ dataDir: './.data/pglite' });
 */
export async function createPgliteDb(options: PgliteDbOptions = {}): Promise<Db> {
  const { dataDir } = options;
  if (dataDir !== undefined && isDirectory(dataDir)) {
    // Imported lazily so the in-memory database also loads where there is no file system.
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dataDir, { recursive: true });
  }
  // pgvector is loaded always (it costs nothing until `create extension vector`), so semantic search works embedded.
  const pg = await PGlite.create(dataDir, { extensions: { vector } });
  let closing: Promise<void> | undefined;
  const open = () => {
    if (closing) throw new Error('Database is closed');
  };

  return {
    kind: 'pglite',
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      open();
      return (await pg.query<T>(sql, [...params])).rows;
    },
    async exec(sql) {
      open();
      await pg.exec(sql);
    },
    async transaction(fn) {
      open();
      return pg.transaction(async (tx) => {
        const runner = runnerOf(tx);
        const result = await fn(runner);
        // PGlite 0.5.14 would report success for a transaction PostgreSQL rolled back (fn swallowed a failed
        // statement); throwing makes it roll back and reject, like postgres.js.
        const failure = runner.failure();
        if (failure !== undefined) throw failure;
        return result;
      });
    },
    async ping() {
      open();
      await pg.query('select 1');
    },
    close() {
      // PGlite's close waits for the running query or transaction; a second close would throw, ours is idempotent.
      closing ??= pg.close();
      return closing;
    },
  };
}
