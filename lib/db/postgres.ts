import postgres from 'postgres';
import type { Db, Row, SqlRunner } from './types.ts';

/** A server NOTICE/WARNING (e.g. "relation already exists, skipping"). */
export interface PostgresNotice {
  severity: string;
  code: string;
  message: string;
}

export interface PostgresDbOptions {
  /** Pool size. Default 10. */
  max?: number;
  /** Seconds to wait for a connection before failing. Default 10. */
  connectTimeoutS?: number;
  /** Seconds `close()` lets running queries finish before cutting connections. Default 5. */
  closeTimeoutS?: number;
  /** Receives server notices; by default they are dropped (postgres.js would print them with console.log). */
  onNotice?: (notice: PostgresNotice) => void;
}

type Sql = postgres.Sql;

/**
 * int8 (`count(*)`, bigserial) as a number when it is a safe integer, else a bigint — what PGlite does, so code
 * behaves the same on both adapters (postgres.js alone returns strings).
 */
const int8 = {
  to: 20,
  from: [20],
  serialize: (value: bigint | number) => value.toString(),
  parse: (raw: string) => {
    const n = BigInt(raw);
    return n < BigInt(Number.MIN_SAFE_INTEGER) || n > BigInt(Number.MAX_SAFE_INTEGER) ? n : Number(n);
  },
} satisfies postgres.PostgresType<bigint | number>;

/** Network and protocol failures postgres.js reports with a `code` (not a server-side SQLSTATE). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'SASL_SIGNATURE_MISMATCH',
  'AUTH_TYPE_NOT_IMPLEMENTED',
]);

/** SQLSTATEs raised while connecting: class 08 (connection), 28 (auth), 3D000 (no such database), 57P03 (starting up). */
const isConnectSqlState = (code: string) => /^(08|28)/.test(code) || code === '3D000' || code === '57P03';

function isConnectionError(err: unknown): err is Error & { code: string } {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return err instanceof postgres.PostgresError ? isConnectSqlState(code) : CONNECTION_CODES.has(code);
}

/** `user@host:port/database`: what we are connecting to, never the password. */
function describeTarget(sql: Sql): string {
  const { host, port, database, user } = sql.options;
  const hosts = host.map((h, i) => `${h}:${port[i] ?? port[0]}`).join(',');
  return `${user}@${hosts}/${database}`;
}

/**
 * postgres.js parses the URL synchronously here; a bad one makes `new URL` throw a TypeError whose `input` holds the
 * whole URL, password included, so that error must not escape (not even as `cause`).
 */
function connect(url: string, options: PostgresDbOptions): Sql {
  const onNotice = options.onNotice;
  try {
    return postgres(url, {
      max: options.max ?? 10,
      connect_timeout: options.connectTimeoutS ?? 10,
      onnotice: onNotice
        ? (n) => onNotice({ severity: n.severity ?? 'NOTICE', code: n.code ?? '', message: n.message ?? '' })
        : () => {},
      types: { int8 },
      // PGlite sends an undefined parameter as NULL; postgres.js would throw UNDEFINED_VALUE.
      transform: { undefined: null },
    });
  } catch {
    throw new Error('The PostgreSQL URL is malformed (expected postgres://user:password@host:port/database)');
  }
}

/**
 * PostgreSQL over a postgres.js pool. Connects lazily: creating the Db never fails for an unreachable server, the
 * first query does (so readiness can retry). Connection failures reject with an Error naming `user@host:port/db`
 * and never the password; SQL errors pass through unchanged (`err.code` is the SQLSTATE, e.g. `23505`).
 * Inside `transaction(fn)` use only `tx`: the outer Db takes another pooled connection (and with `max: 1`, waits forever).
 * @example const db = createPostgresDb(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
 */
export function createPostgresDb(url: string, options: PostgresDbOptions = {}): Db {
  const sql = connect(url, options);
  const target = describeTarget(sql);
  let closing: Promise<void> | undefined;

  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    if (closing) throw new Error('Database is closed');
    try {
      return await work();
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      throw new Error(`PostgreSQL connection to ${target} failed: ${err.message} (${err.code})`, { cause: err });
    }
  };

  const runnerOf = (tx: postgres.TransactionSql): SqlRunner => ({
    query: async <T extends Row = Row>(text: string, params: readonly unknown[] = []) =>
      toRows<T>(await tx.unsafe(text, [...params] as postgres.ParameterOrJSON<never>[])),
    exec: async (text: string) => {
      await tx.unsafe(text);
    },
  });

  return {
    kind: 'postgres',
    query<T extends Row = Row>(text: string, params: readonly unknown[] = []) {
      return guard(async () => toRows<T>(await sql.unsafe(text, [...params] as postgres.ParameterOrJSON<never>[])));
    },
    exec(text) {
      // Without parameters postgres.js uses the simple protocol, which accepts several statements.
      return guard(async () => {
        await sql.unsafe(text);
      });
    },
    transaction(fn) {
      // Boxed: postgres.js awaits every element when the callback returns an array.
      return guard(async () => (await sql.begin(async (tx) => ({ value: await fn(runnerOf(tx)) }))).value);
    },
    ping() {
      return guard(async () => {
        await sql.unsafe('select 1');
      });
    },
    close() {
      closing ??= sql.end({ timeout: options.closeTimeoutS ?? 5 });
      return closing;
    },
  };
}

/** postgres.js results are arrays with extra fields (`count`, `columns`...); callers get plain rows. */
function toRows<T extends Row>(result: readonly Row[]): T[] {
  return Array.from(result) as T[];
}
