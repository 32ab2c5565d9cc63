import type { Db, SqlRunner } from '../../../lib/db/types.ts';
import { normalizeEmail } from './email.ts';
import { findUserById } from './find-user.ts';
import { DEFAULT_ROLE } from './roles.ts';
import { isUuid, USER_COLUMNS, toUser, type User, type UserRow, userColumnsOf } from './user.ts';

/** An external identity: who vouches for it (the token's `iss`) and who it is there (its `sub`). */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
  /** The address the identity carries (not unique: two subjects may share one; accounts are never merged by it). */
  email: string;
  /** The `provider` of a user created for it, e.g. `supabase`. */
  provider: string;
  /** Provisioning time; default the database's clock. */
  at?: Date;
}

/**
 * The user an external identity is mapped to, or `null` when it was never seen.
 * @example const user = await findUserByIdentity(deps.db, 'https://abc.supabase.co/auth/v1', claims.sub);
 */
export async function findUserByIdentity(db: SqlRunner, issuer: string, subject: string): Promise<User | null> {
  const [row] = await db.query<UserRow>(
    `select ${userColumnsOf('u')} from auth.identities i join auth.users u on u.id = i.user_id
      where i.issuer = $1 and i.subject = $2`,
    [issuer, subject],
  );
  return row ? toUser(row) : null;
}

/** A user made for an identity before identities were recorded: its id is the subject, and no identity points at it. */
async function unclaimedLegacyUser(tx: SqlRunner, identity: ExternalIdentity): Promise<string | undefined> {
  if (!isUuid(identity.subject)) return undefined;
  const [row] = await tx.query<{ id: string }>(
    `select u.id from auth.users u
      where u.id = $1 and u.provider = $2 and not exists (select 1 from auth.identities i where i.user_id = u.id)`,
    [identity.subject.toLowerCase(), identity.provider],
  );
  return row?.id;
}

/**
 * The user of an external identity (e.g. a verified Supabase token), keyed by its issuer and subject — never by its
 * email, which another user (a password user, or another subject) may carry too. Created on first sight with role
 * `user`, the email as given (confirmed: the provider vouches for it) and no password; its id is the subject when
 * that is a UUID no user has yet (so GAIA clients see their `sub` as the user id), a new one otherwise. Idempotent,
 * also under concurrency (one transaction under an advisory lock per identity).
 * @example const user = await provisionExternalUser(deps.db, { issuer, subject: claims.sub, email, provider: 'supabase' });
 */
export async function provisionExternalUser(db: Db, identity: ExternalIdentity): Promise<User> {
  const known = await findUserByIdentity(db, identity.issuer, identity.subject);
  if (known) return known;
  const userId = await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`gaia:auth:identity:${identity.issuer}\n${identity.subject}`]);
    const again = await findUserByIdentity(tx, identity.issuer, identity.subject);
    if (again) return again.id;
    let id = await unclaimedLegacyUser(tx, identity);
    if (id === undefined) {
      const at = identity.at ?? null;
      const [created] = await tx.query<UserRow>(
        `insert into auth.users (id, email, provider, email_confirmed_at, created_at, updated_at)
         values (case when $1::text is not null and not exists (select 1 from auth.users where id = $1::uuid)
                      then $1::uuid else gen_random_uuid() end,
                 $2, $3, coalesce($4::timestamptz, now()), coalesce($4::timestamptz, now()), coalesce($4::timestamptz, now()))
         returning ${USER_COLUMNS}`,
        [isUuid(identity.subject) ? identity.subject.toLowerCase() : null, normalizeEmail(identity.email), identity.provider, at],
      );
      id = created!.id;
      await tx.query('insert into auth.user_roles (user_id, role) values ($1, $2)', [id, DEFAULT_ROLE]);
    }
    await tx.query('insert into auth.identities (issuer, subject, user_id) values ($1, $2, $3)', [identity.issuer, identity.subject, id]);
    return id;
  });
  const user = await findUserById(db, userId);
  if (!user) throw new Error('provisioned user vanished');
  return user;
}
