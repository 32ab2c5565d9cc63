import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { dbBackends, dropSchema, uniqueSchema } from '../testing/db.ts';
import { migrate, migrationChecksum } from './migrate.ts';
import type { Db, Migration } from './types.ts';

const migrationsFor = (schema: string): Migration[] => [
  // No `if not exists`: running it twice fails, so it proves each migration runs once.
  { id: '0001_items', sql: `create table ${schema}.items (id int primary key, name text not null)` },
  { id: '0002_seed', sql: `insert into ${schema}.items values (1, 'one'); insert into ${schema}.items values (2, 'two');` },
  { id: '0003_flag', sql: `alter table ${schema}.items add column flag boolean not null default false` },
];

/** A Db that fails the test if anything reaches it. */
const untouchable: Db = {
  kind: 'pglite',
  query: () => Promise.reject(new Error('must not be called')),
  exec: () => Promise.reject(new Error('must not be called')),
  transaction: () => Promise.reject(new Error('must not be called')),
  ping: () => Promise.reject(new Error('must not be called')),
  close: () => Promise.resolve(),
};

describe('migrate arguments', () => {
  it.each(['Auth', '1auth', 'auth-x', 'auth; drop schema public', '', 'a.b'])('rejects schema name %j', async (schema) => {
    await expect(migrate(untouchable, schema, [])).rejects.toThrow(/Invalid schema name/);
  });

  it('rejects duplicate and unsorted ids', async () => {
    const m = (id: string) => ({ id, sql: 'select 1' });
    await expect(migrate(untouchable, 'auth', [m('0001'), m('0001')])).rejects.toThrow('Migration id 0001 is used twice');
    await expect(migrate(untouchable, 'auth', [m('0002'), m('0001')])).rejects.toThrow(/must be sorted by id: 0002/);
    await expect(migrate(untouchable, 'auth', [m('')])).rejects.toThrow(/empty id/);
  });

  it('checksums with SHA-256', async () => {
    expect(await migrationChecksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe.each(dbBackends())('migrate on $name', ({ name, create }) => {
  let db: Db;
  let schema: string;

  beforeAll(async () => {
    db = await create();
  });
  afterAll(() => db?.close());
  beforeEach(() => {
    schema = uniqueSchema();
  });
  afterEach(() => dropSchema(db, schema));

  const recorded = async () =>
    db.query<{ id: string; checksum: string }>(`select id, checksum from ${schema}.schema_migrations order by applied_at, id`);

  it('applies pending migrations in order, records and logs each', async () => {
    const logger = createMemoryLogger();
    const migrations = migrationsFor(schema);
    expect(await migrate(db, schema, migrations, logger)).toEqual({ applied: ['0001_items', '0002_seed', '0003_flag'] });

    expect(await db.query(`select id, name, flag from ${schema}.items order by id`)).toEqual([
      { id: 1, name: 'one', flag: false },
      { id: 2, name: 'two', flag: false },
    ]);
    const rows = await recorded();
    expect(rows.map((r) => r.id)).toEqual(['0001_items', '0002_seed', '0003_flag']);
    expect(rows[0]?.checksum).toBe(await migrationChecksum(migrations[0]!.sql));
    const logged = logger.entries().filter((e) => e.msg === 'migration applied');
    expect(logged.map((e) => [e.schema, e.id])).toEqual(migrations.map((m) => [schema, m.id]));
  });

  it('applies nothing on a second run, and only the new ones when migrations are added', async () => {
    const migrations = migrationsFor(schema);
    await migrate(db, schema, migrations.slice(0, 2));
    expect(await migrate(db, schema, migrations.slice(0, 2))).toEqual({ applied: [] });
    expect(await migrate(db, schema, migrations)).toEqual({ applied: ['0003_flag'] });
    expect(await migrate(db, schema, migrations)).toEqual({ applied: [] });
    expect((await recorded()).length).toBe(3);
  });

  it('rejects a migration that was changed after it was applied', async () => {
    const migrations = migrationsFor(schema);
    await migrate(db, schema, migrations);
    const edited = migrations.map((m) => (m.id === '0002_seed' ? { ...m, sql: `${m.sql} -- tweaked` } : m));
    await expect(migrate(db, schema, edited)).rejects.toThrow(
      `Migration 0002_seed of schema ${schema} was changed after it was applied; add a new migration instead`,
    );
  });

  it('applies nothing when one migration fails, and names it', async () => {
    const migrations = [...migrationsFor(schema), { id: '0004_broken', sql: `alter table ${schema}.nope add column x int` }];
    await expect(migrate(db, schema, migrations)).rejects.toThrow(/^Migration 0004_broken of schema t_\w+ failed: .*nope/);
    const tables = await db.query(`select 1 from information_schema.tables where table_schema = $1`, [schema]);
    expect(tables).toEqual([]);
  });

  it('applies each migration exactly once when two migrators start at once', async () => {
    // On PostgreSQL: two pools, i.e. two instances of a service; PGlite is one connection, so the same instance.
    const other = name === 'postgres' ? await create() : db;
    try {
      const migrations = migrationsFor(schema);
      // Keeps the first transaction open long enough for the second to collide with it.
      migrations[0] = { id: '0001_items', sql: `${migrations[0]!.sql}; select pg_sleep(0.2)` };
      const results = await Promise.all([migrate(db, schema, migrations), migrate(other, schema, migrations)]);
      const applied = results.flatMap((r) => r.applied).sort();
      expect(applied).toEqual(['0001_items', '0002_seed', '0003_flag']);
      expect((await recorded()).length).toBe(3);
      expect(await db.query(`select count(*) as n from ${schema}.items`)).toEqual([{ n: 2 }]);
    } finally {
      if (other !== db) await other.close();
    }
  });
});
