import type PgBoss from 'pg-boss';
import type { Db, SqlRunner } from '../../../lib/db/types.ts';

/** pg-boss wraps its maintenance and schema scripts as `BEGIN; …; COMMIT;` (its `plans.locked`). */
const WRAPPED = /^\s*BEGIN\s*;([\s\S]*);\s*COMMIT\s*;?\s*$/i;

/**
 * pg-boss's bring-your-own-connection `db` over the platform's Db port, so the same queue runs on PGlite and
 * PostgreSQL (postgres.js): parameterised statements go to `query`; a parameterless `BEGIN; …; COMMIT;` script is run
 * as the body of `db.transaction` with `exec` (postgres.js refuses a bare BEGIN on a pool, PGlite would interleave);
 * a parameterless single statement goes to `query` too. Values pass unchanged: both adapters take objects for
 * json/jsonb and arrays for `uuid[]`. One pg-boss path does not fit: `insert()` (and the cron timekeeper built on
 * it) sends a JSON *string* to a `json` parameter, which postgres.js would encode again — so the queue never uses
 * `insert()` and runs with `schedule: false`.
 * @example new PgBoss({ db: bossDb(db), schema: 'asset_queue', schedule: false });
 */
export function bossDb(db: Db): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values === undefined || values.length === 0) {
        const script = WRAPPED.exec(text)?.[1];
        if (script !== undefined) {
          await db.transaction((tx) => tx.exec(script));
          return { rows: [] };
        }
      }
      return { rows: await db.query(text, values ?? []) };
    },
  };
}

/**
 * The same for a statement that must join one of our transactions (pg-boss's `{ db }` option of `send`, `cancel`…),
 * so a job row and its queue entry commit or roll back together.
 * @example await boss.send(queue, data, { id, db: bossTx(tx) });
 */
export function bossTx(tx: SqlRunner): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      return { rows: await tx.query(text, values ?? []) };
    },
  };
}
