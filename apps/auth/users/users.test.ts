import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../lib/db/migrate.ts';
import type { Db } from '../../../lib/db/types.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { authMigrations } from '../db/migrations.ts';
import { uniqueEmail } from '../testing.ts';
import { createUser } from './create-user.ts';
import { isValidEmail, normalizeEmail } from './email.ts';
import { findUserByEmail, findUserById } from './find-user.ts';
import { passwordProblem } from './password-policy.ts';
import { findUserByIdentity, provisionExternalUser } from './provision-external-user.ts';
import { grantRoleInDb } from '../testing.ts';
import { rolesOf } from './roles.ts';
import { markEmailConfirmed, touchLastSignIn } from './sign-in.ts';

describe('email and password rules', () => {
  it('normalises and validates addresses', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    for (const ok of ['ada@example.com', 'a.b+tag@sub.example.co', "o'brien@example.ie"]) expect(isValidEmail(ok)).toBe(true);
    for (const bad of ['', 'ada', 'ada@', '@example.com', 'ada@example', 'a b@example.com', 'ada@@example.com', `${'a'.repeat(65)}@example.com`]) {
      expect(isValidEmail(bad)).toBe(false);
    }
  });

  it("keeps GAIA's 6-character minimum and refuses common passwords", () => {
    expect(passwordProblem('abc12')).toBe('Password must be at least 6 characters long');
    expect(passwordProblem('Password')).toBe('Password is too common. Please choose a less guessable password');
    expect(passwordProblem('123456')).toMatch(/too common/);
    expect(passwordProblem('x'.repeat(1025))).toMatch(/at most 1024/);
    expect(passwordProblem('tulip-orbit-9')).toBeNull();
  });
});

const ISSUER = 'https://project.supabase.co/auth/v1';

describe.each(dbBackends())('users repository on $name', ({ create }) => {
  let db: Db;
  beforeAll(async () => {
    db = await create();
    await migrate(db, 'auth', authMigrations);
  });
  afterAll(() => db?.close());

  it('creates a user with role user, stores the email lower-cased and finds it by email and id', async () => {
    const email = uniqueEmail('Ada').replace('ada', 'ADA');
    const user = await createUser(db, { email, passwordHash: 'scrypt$hash' });
    expect(user).toMatchObject({ email: email.toLowerCase(), passwordHash: 'scrypt$hash', provider: 'email', userMetadata: {} });
    expect(user!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user!.createdAt).toBeInstanceOf(Date);
    expect(user!.emailConfirmedAt).toBeNull();
    expect(await rolesOf(db, user!.id)).toEqual(['user']);
    expect(await findUserByEmail(db, email.toUpperCase())).toEqual(user);
    expect(await findUserById(db, user!.id.toUpperCase())).toEqual(user);
    expect(await findUserById(db, 'not-a-uuid')).toBeNull();
    expect(await findUserByEmail(db, uniqueEmail())).toBeNull();
  });

  it('answers null for a taken email, also when registrations race', async () => {
    const email = uniqueEmail();
    const results = await Promise.all([1, 2, 3].map(() => createUser(db, { email, passwordHash: null })));
    expect(results.filter((u) => u !== null)).toHaveLength(1);
    expect(await createUser(db, { email: email.toUpperCase(), passwordHash: null })).toBeNull();
  });

  it('records sign-ins and confirmations, grants roles in platform order', async () => {
    const user = (await createUser(db, { email: uniqueEmail(), passwordHash: null }))!;
    const at = new Date('2030-01-02T03:04:05.000Z');
    expect((await touchLastSignIn(db, user.id, at))?.lastSignInAt).toEqual(at);
    expect((await markEmailConfirmed(db, user.id, at))?.emailConfirmedAt).toEqual(at);
    await grantRoleInDb(db, user.id, 'kb_editor');
    await grantRoleInDb(db, user.id, 'admin');
    await grantRoleInDb(db, user.id, 'admin');
    expect(await rolesOf(db, user.id)).toEqual(['admin', 'user', 'kb_editor']);
  });

  it('refuses a role outside the platform roles', async () => {
    const user = (await createUser(db, { email: uniqueEmail(), passwordHash: null }))!;
    await expect(db.query(`insert into auth.user_roles (user_id, role) values ($1, 'root')`, [user.id])).rejects.toMatchObject({
      code: '23514',
    });
  });

  it('provisions an external identity once, also under concurrency, with its subject as the user id', async () => {
    const subject = crypto.randomUUID();
    const email = uniqueEmail('supa');
    const identity = { issuer: ISSUER, subject, email, provider: 'supabase' };
    const users = await Promise.all([1, 2, 3, 4].map(() => provisionExternalUser(db, identity)));
    expect(new Set(users.map((u) => u.id))).toEqual(new Set([subject]));
    expect(users[0]).toMatchObject({ email, provider: 'supabase', passwordHash: null });
    expect(users[0]!.emailConfirmedAt).toBeInstanceOf(Date);
    expect(await rolesOf(db, subject)).toEqual(['user']);
    const [{ n }] = (await db.query<{ n: number }>('select count(*) as n from auth.users where id = $1', [subject])) as [{ n: number }];
    expect(Number(n)).toBe(1);
    expect(await findUserByIdentity(db, ISSUER, subject)).toEqual(users[0]);
  });

  it('never merges by email: a password user and external identities may share an address', async () => {
    const email = uniqueEmail();
    const local = await createUser(db, { email, passwordHash: 'scrypt$x' });
    const a = await provisionExternalUser(db, { issuer: ISSUER, subject: crypto.randomUUID(), email, provider: 'supabase' });
    const b = await provisionExternalUser(db, { issuer: ISSUER, subject: crypto.randomUUID(), email, provider: 'supabase' });
    expect(new Set([local!.id, a.id, b.id]).size).toBe(3);
    // Signing in by email finds only the password user; a second password user with that email is still refused.
    expect((await findUserByEmail(db, email))?.id).toBe(local!.id);
    expect(await createUser(db, { email, passwordHash: 'scrypt$y' })).toBeNull();
  });

  it('adopts a user provisioned by its subject before identities were recorded, once, and never a password user', async () => {
    const sub = crypto.randomUUID();
    await db.query(`insert into auth.users (id, email, provider) values ($1, $2, 'supabase')`, [sub, uniqueEmail('legacy')]);
    const adopted = await provisionExternalUser(db, { issuer: ISSUER, subject: sub, email: uniqueEmail(), provider: 'supabase' });
    expect(adopted.id).toBe(sub);
    expect((await findUserByIdentity(db, ISSUER, sub))?.id).toBe(sub);
    // Claimed: the same subject from another issuer is another identity, with a user of its own.
    const other = await provisionExternalUser(db, { issuer: 'https://other.example/auth/v1', subject: sub, email: uniqueEmail(), provider: 'supabase' });
    expect(other.id).not.toBe(sub);
    // A password user whose id a subject happens to be is never adopted.
    const local = await createUser(db, { email: uniqueEmail(), passwordHash: 'scrypt$x' });
    const notAdopted = await provisionExternalUser(db, { issuer: ISSUER, subject: local!.id, email: uniqueEmail(), provider: 'supabase' });
    expect(notAdopted.id).not.toBe(local!.id);
  });

  it('gives a subject that is not a UUID, or whose UUID another user has, an id of its own', async () => {
    const taken = await createUser(db, { email: uniqueEmail(), passwordHash: 'scrypt$x' });
    const clash = await provisionExternalUser(db, { issuer: ISSUER, subject: taken!.id, email: uniqueEmail(), provider: 'supabase' });
    expect(clash.id).not.toBe(taken!.id);
    const named = await provisionExternalUser(db, { issuer: ISSUER, subject: 'github|42', email: uniqueEmail(), provider: 'supabase' });
    expect(named.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await findUserByIdentity(db, ISSUER, 'github|42'))?.id).toBe(named.id);
  });

});
