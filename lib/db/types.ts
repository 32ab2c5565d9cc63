/** A row as returned by the database: column name to value. */
export type Row = Record<string, unknown>;

/** What both adapters can run: parameterised single statements and multi-statement scripts. */
export interface SqlRunner {
  /**
   * One statement with `$1, $2...` parameters.
   * @example const rows = await db.query<{ id: string }>('select id from auth.users where email = $1', [email]);
   */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A script of one or more statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The SQL database port. Adapters: PGlite (embedded default, `./.data` or in-memory) and PostgreSQL (postgres.js, pooled).
 */
export interface Db extends SqlRunner {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Cheap round trip used by readiness and health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One forward-only migration: `id` sorts in apply order (e.g. `0001_users`). */
export interface Migration {
  id: string;
  sql: string;
}
