import { generateSigningKey } from '../../../lib/auth/signing-keys.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../lib/db/migrate.ts';
import type { Db } from '../../../lib/db/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { m0001Users } from '../db/migrations/0001-users.ts';
import { createKeyStore, type KeyStoreOptions } from './key-store.ts';

const DAY = 86_400_000;
const settings = { keyRotationDays: 30, keyOverlapS: 3600, internalPublicKeys: [] };

/** A Db that counts the statements sent through it (transactions count as one). */
function counting(db: Db): Db & { calls: () => number } {
  let calls = 0;
  return {
    kind: db.kind,
    query: (sql, params) => {
      calls++;
      return db.query(sql, params);
    },
    exec: (sql) => {
      calls++;
      return db.exec(sql);
    },
    transaction: (fn) => {
      calls++;
      return db.transaction(fn);
    },
    ping: () => db.ping(),
    close: () => db.close(),
    calls: () => calls,
  };
}

describe.each(dbBackends())('key store on $name', ({ name, create }) => {
  let db: Db;
  let other: Db;
  const store = (overrides: Partial<KeyStoreOptions> = {}) => createKeyStore({ db, logger: createMemoryLogger(), settings, ...overrides });

  beforeAll(async () => {
    db = await create();
    // A second instance: its own pool on PostgreSQL; PGlite is one connection, so the same database object.
    other = name === 'postgres' ? await create() : db;
    await migrate(db, 'auth', [m0001Users]);
  });
  afterAll(async () => {
    if (other !== db) await other?.close();
    await db?.close();
  });

  it('agrees on one current EdDSA key when instances start at once', async () => {
    const stores = [store(), store(), store({ db: other }), store({ db: other })];
    const keys = await Promise.all(stores.map((s) => s.signingKey()));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(keys[0]!.alg).toBe('EdDSA');
    const current = await db.query<{ kid: string }>('select kid from auth.signing_keys where retired_at is null');
    expect(current.map((r) => r.kid)).toEqual([keys[0]!.kid]);
  });

  it('serves keys from memory: no database read per token', async () => {
    const counted = counting(db);
    const keys = store({ db: counted });
    await keys.signingKey();
    const afterFirstLoad = counted.calls();
    for (let i = 0; i < 50; i++) {
      await keys.signingKey();
      await keys.jwks();
      await keys.ownJwks();
    }
    expect(counted.calls()).toBe(afterFirstLoad);
  });

  it('reloads after reloadMs', async () => {
    let now = Date.now();
    const counted = counting(db);
    const keys = store({ db: counted, now: () => now, reloadMs: 30_000 });
    await keys.signingKey();
    const loaded = counted.calls();
    now += 29_000;
    await keys.signingKey();
    expect(counted.calls()).toBe(loaded);
    now += 2_000;
    await keys.signingKey();
    expect(counted.calls()).toBeGreaterThan(loaded);
  });

  it('publishes public keys only: ours first, then the internal ones without private members', async () => {
    const internal = await generateSigningKey('gateway-1');
    const keys = store({ settings: { ...settings, internalPublicKeys: [internal.publicJwk, { ...internal.privateJwk, kid: 'leaky' }] } });
    const current = await keys.signingKey();
    const { keys: published } = await keys.jwks();
    expect(published[0]).toEqual({ ...current.publicJwk, kid: current.kid, alg: 'EdDSA', use: 'sig' });
    expect(published.map((k) => k.kid)).toContain('gateway-1');
    expect(published.map((k) => k.kid)).toContain('leaky');
    for (const key of published) expect(key).not.toHaveProperty('d');
    expect((await keys.ownJwks()).keys.map((k) => k.kid)).not.toContain('gateway-1');
  });

  // Rotation changes which key is current for everyone using the database, so it runs on this file's private PGlite
  // only (the PostgreSQL test database is shared with other suites).
  describe.runIf(name === 'pglite')('rotation', () => {
    let now = Date.now();
    const clock = () => now;
    const logger = createMemoryLogger();
    const rotating = () => createKeyStore({ db, logger, settings, now: clock, reloadMs: 30_000 });

    it('rotates a key older than keyRotationDays and keeps the old one verifiable for keyOverlapS', async () => {
      await db.query('delete from auth.signing_keys');
      const a = rotating();
      const b = rotating();
      const first = await a.signingKey();
      expect(logger.entries().map((e) => e.msg)).toContain('signing key created');

      now += 30 * DAY;
      const [fromA, fromB] = await Promise.all([a.signingKey(), b.signingKey()]);
      expect(fromA.kid).not.toBe(first.kid);
      expect(fromB.kid).toBe(fromA.kid);
      expect(logger.entries().filter((e) => e.msg === 'signing key rotated')).toHaveLength(1);
      expect((await a.jwks()).keys.map((k) => k.kid)).toEqual([fromA.kid, first.kid]);

      now += 3_599_000;
      expect((await a.ownJwks({ maxAgeMs: 0 })).keys.map((k) => k.kid)).toEqual([fromA.kid, first.kid]);
      now += 1_000;
      expect((await a.ownJwks({ maxAgeMs: 0 })).keys.map((k) => k.kid)).toEqual([fromA.kid]);
      const rows = await db.query<{ kid: string; retired_at: Date | null }>('select kid, retired_at from auth.signing_keys order by created_at');
      expect(rows.map((r) => [r.kid, r.retired_at === null])).toEqual([
        [first.kid, false],
        [fromA.kid, true],
      ]);
    });

    it('picks up a key another instance rotated when its cache expires', async () => {
      const a = rotating();
      const before = await a.signingKey();
      now += 30 * DAY;
      const rotated = await rotating().signingKey();
      expect(rotated.kid).not.toBe(before.kid);
      // `a` is due for rotation too: it rereads, finds the new key, and does not rotate again.
      expect((await a.signingKey()).kid).toBe(rotated.kid);
      expect(await db.query('select 1 from auth.signing_keys where retired_at is null')).toHaveLength(1);
    });

    it('keeps serving the cached keys when the database fails, and logs it', async () => {
      let down = false;
      const unlessDown = <T>(work: () => Promise<T>) => (down ? Promise.reject(new Error('db down')) : work());
      const flaky: Db = {
        ...db,
        query: (sql, params) => unlessDown(() => db.query(sql, params)),
        transaction: (fn) => unlessDown(() => db.transaction(fn)),
      };
      const keys = createKeyStore({ db: flaky, logger, settings, now: clock, reloadMs: 1_000 });
      const current = await keys.signingKey();
      down = true;
      now += 5_000;
      expect((await keys.signingKey()).kid).toBe(current.kid);
      expect(logger.entries().map((e) => e.msg)).toContain('signing keys could not be reloaded; using the cached ones');
      await expect(createKeyStore({ db: flaky, logger, settings, now: clock }).signingKey()).rejects.toThrow('db down');
    });
  });
});
