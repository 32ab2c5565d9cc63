import type { SqlRunner } from '../../../lib/db/types.ts';
import { normalizeEmail } from './email.ts';
import { findUserByExternalId, findUserById } from './find-user.ts';
import { DEFAULT_ROLE } from './roles.ts';
import { isUuid, type User } from './user.ts';

/** The identity to provision: our user id is the external `sub` (`id`), or a new one mapped from `externalId`. */
export type ExternalIdentity = ({ id: string; externalId?: undefined } | { externalId: string; id?: undefined }) & {
  email: string;
  /** Who vouches for the identity, e.g. `supabase`. */
  provider: string;
  /** Provisioning time; default the database's clock. */
  at?: Date;
};

/** The email of an external identity already belongs to another user, so it cannot be provisioned. */
export class IdentityConflictError extends Error {
  constructor() {
    super('The email of this external identity already belongs to another user');
    this.name = 'IdentityConflictError';
  }
}

/**
 * The user for an external identity (e.g. the `sub` of a verified Supabase token), created on first sight with role
 * `user`, the email confirmed (the provider vouches for it) and no password. Idempotent, also under concurrency
 * (`insert ... on conflict do nothing`, then read). Throws {@link IdentityConflictError} when the email is taken by
 * a different user, and `TypeError` when `id` is not a UUID.
 * @example const user = await provisionExternalUser(deps.db, { id: claims.sub, email: claims.email, provider: 'supabase' });
 */
export async function provisionExternalUser(db: SqlRunner, identity: ExternalIdentity): Promise<User> {
  if (identity.id !== undefined && !isUuid(identity.id)) throw new TypeError('External identity id must be a UUID');
  const find = () =>
    identity.id !== undefined ? findUserById(db, identity.id) : findUserByExternalId(db, identity.externalId);
  const existing = await find();
  if (existing) return existing;
  await db.query(
    `with inserted as (
       insert into auth.users (id, external_id, email, provider, email_confirmed_at, created_at, updated_at)
       values (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, coalesce($5::timestamptz, now()),
               coalesce($5::timestamptz, now()), coalesce($5::timestamptz, now()))
       on conflict do nothing
       returning id
     )
     insert into auth.user_roles (user_id, role) select id, $6 from inserted`,
    [
      identity.id?.toLowerCase() ?? null,
      identity.externalId ?? null,
      normalizeEmail(identity.email),
      identity.provider,
      identity.at ?? null,
      DEFAULT_ROLE,
    ],
  );
  const user = await find();
  if (!user) throw new IdentityConflictError();
  return user;
}
