import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Db } from '../db/types.ts';

export interface DbFixture<T> {
  /** The suite's database (opened in `beforeAll`, closed in `afterAll`). */
  readonly db: Db;
  /** This test's value (set up in `beforeEach`, torn down in `afterEach`). */
  readonly current: T;
}

export interface PerTest<T> {
  setup(db: Db): Promise<T>;
  teardown(db: Db, value: T): Promise<void>;
}

function ready<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is only set inside tests and hooks (see useDbFixture)`);
  return value;
}

/**
 * Registers the hooks of a database suite: one Db from `create()` for the suite, and a value set up on it before each
 * test and torn down after it (typically a fresh schema). Call it inside a `describe`; read the getters only inside
 * tests and hooks.
 * @example
 * describe.each(dbBackends())('$name', ({ create }) => {
 *   const fx = useDbFixture(create, { setup: freshSchema, teardown: dropSchema });
 *   it('works', async () => { await fx.db.query(`select 1 from ${fx.current}.documents`); });
 * });
 */
export function useDbFixture<T>(create: () => Promise<Db>, perTest: PerTest<T>): DbFixture<T> {
  let db: Db | undefined;
  let current: T | undefined;
  beforeAll(async () => {
    db = await create();
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    current = await perTest.setup(ready(db, 'db'));
  });
  afterEach(async () => {
    const value = current;
    current = undefined;
    if (db && value !== undefined) await perTest.teardown(db, value);
  });
  return {
    get db() {
      return ready(db, 'db');
    },
    get current() {
      return ready(current, 'current');
    },
  };
}
