import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../lib/testing/db.ts';
import type { AuthSettings } from '../deps.ts';
import { bootstrapAdmin } from './bootstrap.ts';
import { generateApiKey, hashApiKey } from '../../../lib/auth/api-key-format.ts';
import { type AccessTestDeps, accessDeps, createUser, type IsolatedDb, isolatedDb } from './test-support.ts';
import { verifyApiKey } from './verify.ts';

describe.each(dbBackends())('bootstrapAdmin on $name', (backend) => {
  let isolated: IsolatedDb;
  const opened: AccessTestDeps[] = [];

  beforeAll(async () => {
    isolated = await isolatedDb(backend);
  });
  afterAll(() => isolated?.close());
  afterEach(async () => {
    for (const deps of opened.splice(0)) await deps.runtime.close();
  });

  /** Deps over an emptied database (a database of this suite's own): "no admin yet" must hold. */
  async function fresh(bootstrap?: AuthSettings['bootstrapAdmin']) {
    const deps = await accessDeps(isolated.db, bootstrap ? { bootstrapAdmin: bootstrap } : {});
    await deps.db.exec('truncate auth.users, auth.teams cascade');
    opened.push(deps);
    return { isolated, deps };
  }

  const admins = (deps: AccessTestDeps) =>
    deps.db.query<{ email: string; role: string }>(
      `select u.email, r.role from auth.user_roles r join auth.users u on u.id = r.user_id
        where r.role in ('admin', 'super_admin') order by u.email`,
    );
  const keyCount = async (deps: AccessTestDeps) =>
    (await deps.db.query<{ n: number }>('select count(*)::int as n from auth.api_keys'))[0]!.n;

  it('does nothing when not configured', async () => {
    const { deps } = await fresh();
    expect(await bootstrapAdmin(deps)).toEqual({ action: 'skipped', keyStored: false });
    expect(await admins(deps)).toEqual([]);
  });

  it("creates the super_admin with the operator's key stored as a hash, and never logs the secrets", async () => {
    const { secret } = await generateApiKey('live');
    const { deps } = await fresh({ email: ' Root@Example.com ', password: 'correct horse', apiKey: secret });
    const result = await bootstrapAdmin(deps);
    expect(result).toMatchObject({ action: 'created', keyStored: true });
    expect(await admins(deps)).toEqual([{ email: 'root@example.com', role: 'super_admin' }]);

    const [user] = await deps.db.query<{ password_hash: string; email_confirmed_at: Date | null }>(
      'select password_hash, email_confirmed_at from auth.users where id = $1',
      [result.userId],
    );
    expect(user).toMatchObject({ password_hash: 'plain:correct horse' });
    expect(user!.email_confirmed_at).not.toBeNull();
    const [key] = await deps.db.query<{ key_hash: string; prefix: string; name: string }>('select * from auth.api_keys');
    expect(key).toMatchObject({ key_hash: await hashApiKey(secret), prefix: secret.slice(0, 14), name: 'bootstrap' });
    expect(await verifyApiKey(deps, secret)).toMatchObject({ userId: result.userId, roles: ['super_admin'], authType: 'api_key' });

    const logs = deps.runtime.logger.lines.join('\n');
    expect(logs).toContain('bootstrap admin ready');
    expect(logs).not.toContain(secret.slice(10));
    expect(logs).not.toContain('correct horse');
  });

  it('is idempotent: a second run changes nothing', async () => {
    const { secret } = await generateApiKey('live');
    const { deps } = await fresh({ email: 'root@example.com', apiKey: secret });
    expect((await bootstrapAdmin(deps)).action).toBe('created');
    expect(await bootstrapAdmin(deps)).toEqual({ action: 'skipped', keyStored: false });
    expect(await admins(deps)).toHaveLength(1);
    expect(await keyCount(deps)).toBe(1);
  });

  it('is safe under two concurrent starts: one admin, one key', async () => {
    const { secret } = await generateApiKey('live');
    const bootstrap = { email: 'root@example.com', password: 'pw', apiKey: secret };
    const { isolated, deps } = await fresh(bootstrap);
    const otherDb = isolated.connectAgain();
    const second = otherDb ? { ...deps, db: otherDb } : deps;
    const results = await Promise.all([bootstrapAdmin(deps), bootstrapAdmin(second)]);
    expect(results.map((r) => r.action).sort()).toEqual(['created', 'skipped']);
    expect(await admins(deps)).toEqual([{ email: 'root@example.com', role: 'super_admin' }]);
    expect(await keyCount(deps)).toBe(1);
    const users = await deps.db.query('select id from auth.users');
    expect(users).toHaveLength(1);
  });

  it('promotes an existing user (keeping their password), and stays out when an admin exists', async () => {
    const { deps } = await fresh({ email: 'ada@example.com', password: 'ignored' });
    const ada = await createUser(deps, ['user'], 'ada@example.com');
    await deps.db.query(`update auth.users set password_hash = 'plain:mine' where id = $1`, [ada.userId]);
    expect(await bootstrapAdmin(deps)).toEqual({ action: 'promoted', userId: ada.userId, keyStored: false, tokenVersion: 1 });
    const [row] = await deps.db.query<{ password_hash: string }>('select password_hash from auth.users where id = $1', [ada.userId]);
    expect(row!.password_hash).toBe('plain:mine');
    expect(await admins(deps)).toEqual([{ email: 'ada@example.com', role: 'super_admin' }]);

    const other = await fresh({ email: 'root@example.com' });
    await createUser(other.deps, ['admin'], 'boss@example.com');
    expect((await bootstrapAdmin(other.deps)).action).toBe('skipped');
    expect(await other.deps.db.query(`select 1 from auth.users where email = 'root@example.com'`)).toEqual([]);
  });

  it('refuses a malformed operator key without echoing it', async () => {
    const { deps } = await fresh({ email: 'root@example.com', apiKey: 'gaia_live_tooShortSecret' });
    const err = await bootstrapAdmin(deps).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toContain('tooShortSecret');
    expect(await admins(deps)).toEqual([]);
  });
});
