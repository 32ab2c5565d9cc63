import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dbBackends, dropSchema, uniqueSchema } from '../testing/db.ts';
import { createDb } from './create-db.ts';
import { createPostgresDb } from './postgres.ts';
import type { Db } from './types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dbBackends())('Db on $name', ({ name, create }) => {
  let db: Db;
  let schema: string;
  let items: string;
  let closed = false;

  beforeAll(async () => {
    db = await create();
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    schema = uniqueSchema();
    items = `${schema}.items`;
    await db.exec(
      `create schema ${schema}; create table ${items} (id int primary key, name text not null, meta jsonb)`,
    );
  });
  afterEach(async () => {
    if (!closed) await dropSchema(db, schema);
  });

  const count = async () => (await db.query<{ n: number }>(`select count(*) as n from ${items}`))[0]?.n;

  it('reports its kind', () => {
    expect(db.kind).toBe(name);
  });

  it('runs one statement with $n parameters and returns plain rows', async () => {
    const inserted = await db.query<{ id: number }>(`insert into ${items} (id, name, meta) values ($1, $2, $3) returning id`, [
      1,
      'one',
      { tags: ['a'] },
    ]);
    expect(inserted).toEqual([{ id: 1 }]);
    await db.query(`insert into ${items} (id, name, meta) values ($1, $2, $3)`, [2, 'two', null]);
    const rows = await db.query(`select id, name, meta from ${items} where id = $1 or name = $2 order by id`, [1, 'two']);
    expect(rows).toEqual([
      { id: 1, name: 'one', meta: { tags: ['a'] } },
      { id: 2, name: 'two', meta: null },
    ]);
    expect(Array.isArray(rows) && Object.keys(rows)).toEqual(['0', '1']);
    // int8 (count) is a number on both adapters.
    expect(await count()).toBe(2);
    expect(await db.query('select 1 as x')).toEqual([{ x: 1 }]);
  });

  it('maps values the same way on both adapters', async () => {
    const [row] = await db.query('select $1::text as missing, $2::int8 as small, $3::int8 as big, $4::text[] as list', [
      undefined,
      5n,
      2n ** 60n,
      ['x', 'y'],
    ]);
    expect(row).toEqual({ missing: null, small: 5, big: 2n ** 60n, list: ['x', 'y'] });
  });

  it('keeps the SQLSTATE of SQL errors', async () => {
    await db.query(`insert into ${items} (id, name) values (1, 'a')`);
    await expect(db.query(`insert into ${items} (id, name) values (1, 'b')`)).rejects.toMatchObject({ code: '23505' });
  });

  it('execs a multi-statement script', async () => {
    await db.exec(`
      insert into ${items} (id, name) values (1, 'one');
      insert into ${items} (id, name) values (2, 'two');
      update ${items} set name = upper(name);
    `);
    expect(await db.query(`select name from ${items} order by id`)).toEqual([{ name: 'ONE' }, { name: 'TWO' }]);
  });

  it('commits a transaction and returns its result', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query(`insert into ${items} (id, name) values ($1, $2)`, [1, 'one']);
      await tx.exec(`insert into ${items} (id, name) values (2, 'two')`);
      return tx.query<{ n: number }>(`select count(*) as n from ${items}`);
    });
    expect(result).toEqual([{ n: 2 }]);
    expect(await count()).toBe(2);
  });

  it('rolls a transaction back when fn throws, and rethrows the error', async () => {
    const boom = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into ${items} (id, name) values (1, 'one')`);
        await tx.exec(`insert into ${items} (id, name) values (2, 'two')`);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await count()).toBe(0);
  });

  it('rolls back when a statement failed, even if fn swallowed the error', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into ${items} (id, name) values (1, 'one')`);
        await tx.query(`insert into ${items} (id, name) values (1, 'dup')`).catch(() => undefined);
        return 'pretends all went well';
      }),
    ).rejects.toThrow();
    expect(await count()).toBe(0);
  });

  it('keeps a query issued on the Db during a transaction out of it (not rolled back with it)', async () => {
    let outside: Promise<unknown> | undefined;
    const tx = db.transaction(async (t) => {
      await t.query(`insert into ${items} (id, name) values (1, 'in tx')`);
      outside = db.query(`insert into ${items} (id, name) values (2, 'outside')`);
      await sleep(30);
      throw new Error('rollback');
    });
    await expect(tx).rejects.toThrow('rollback');
    await outside;
    expect(await db.query(`select id, name from ${items}`)).toEqual([{ id: 2, name: 'outside' }]);
  });

  it('pings', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });

  // Last on purpose: it closes the shared instance (a fresh PGlite would cost ~2 s); afterAll's close is then a no-op.
  it('closes: later calls reject, a second close is harmless', async () => {
    await dropSchema(db, schema);
    closed = true;
    await db.close();
    await expect(db.close()).resolves.toBeUndefined();
    await expect(db.query('select 1')).rejects.toThrow('Database is closed');
    await expect(db.exec('select 1')).rejects.toThrow('Database is closed');
    await expect(db.transaction(async () => 1)).rejects.toThrow('Database is closed');
    await expect(db.ping()).rejects.toThrow('Database is closed');
  });
});

describe('embedded database on disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gaia-db-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates <dataDir>/pglite and keeps data across close and reopen', async () => {
    const dataDir = join(dir, 'not', 'yet', 'there');
    const first = await createDb({ dataDir });
    expect(first.kind).toBe('pglite');
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    await first.exec(`create table notes (body text); insert into notes values ('kept')`);
    await first.transaction((tx) => tx.exec(`insert into notes values ('kept too')`));
    await first.close();

    const second = await createDb({ dataDir });
    try {
      expect(await second.query('select body from notes order by body')).toEqual([{ body: 'kept' }, { body: 'kept too' }]);
    } finally {
      await second.close();
    }
  });
});

describe('createDb', () => {
  it('chooses PostgreSQL when a URL is given (connecting lazily)', async () => {
    const db = await createDb({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', dataDir: '/nonexistent', max: 1 });
    expect(db.kind).toBe('postgres');
    await db.close();
  });

  it('refuses to guess where to keep data', async () => {
    await expect(createDb({})).rejects.toThrow(/databaseUrl, a dataDir or inMemory/);
  });
});

describe('PostgreSQL connection errors', () => {
  const secret = 's3cret-pw';

  it('names the target, never the password, when the server is unreachable', async () => {
    const db = createPostgresDb(`postgres://gaia:${secret}@127.0.0.1:1/app`, { connectTimeoutS: 2 });
    try {
      const err = await db.ping().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      const { message, cause } = err as Error;
      expect(message).toMatch(/^PostgreSQL connection to gaia@127\.0\.0\.1:1\/app failed: .*ECONNREFUSED/);
      expect(`${message} ${String(cause)} ${JSON.stringify(cause)}`).not.toContain(secret);
    } finally {
      await db.close();
    }
  });

  it('rejects a malformed URL without echoing it', () => {
    const run = () => createPostgresDb(`postgres://gaia:${secret}@[broken/app`);
    expect(run).toThrow(/PostgreSQL URL is malformed/);
    try {
      run();
    } catch (err) {
      expect((err as Error).cause).toBeUndefined();
      expect(JSON.stringify(err)).not.toContain(secret);
    }
  });
});
