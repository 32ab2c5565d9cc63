import type { Principal } from '../../../lib/auth/types.ts';
import type { AuthDeps } from '../deps.ts';
import { IdentityConflictError, provisionExternalUser } from '../users/provision-external-user.ts';
import { rolesOf } from '../users/roles.ts';
import { isUuid, type User } from '../users/user.ts';
import { verifySupabaseToken } from './tokens.ts';

/** `provider` of users provisioned from Supabase identities. */
export const SUPABASE_PROVIDER = 'supabase';

/** The stored (required, unique) email of a Supabase identity without one — a phone or anonymous sign-in. */
const placeholderEmail = (id: string) => `${id.toLowerCase()}@supabase.invalid`;

/** A Supabase identity: `id` is the token's `sub`, our user id. */
export interface SupabaseIdentity {
  id: string;
  email: string | null;
}

/**
 * The user for a Supabase identity, created on first sight (role `user`, email confirmed, no password) — idempotent,
 * also under concurrency. An identity without an email is stored as `<id>@supabase.invalid` (RFC 2606: never
 * deliverable). Throws `IdentityConflictError` when the email belongs to another user, `TypeError` for a non-UUID id.
 * @example const user = await provisionSupabaseUser(deps, { id: claims.sub, email: claims.email ?? null });
 */
export function provisionSupabaseUser(deps: AuthDeps, identity: SupabaseIdentity): Promise<User> {
  return provisionExternalUser(deps.db, {
    id: identity.id,
    email: identity.email ?? placeholderEmail(identity.id),
    provider: SUPABASE_PROVIDER,
    at: new Date(deps.now()),
  });
}

/**
 * {@link provisionSupabaseUser}, or `null` (logged) for an identity that cannot be a user here: a `sub` that is not a
 * UUID, or an email that belongs to another user.
 * @example const user = await userOfSupabaseIdentity(deps, { id: principal.userId, email: principal.email });
 */
export async function userOfSupabaseIdentity(deps: AuthDeps, identity: SupabaseIdentity): Promise<User | null> {
  if (!isUuid(identity.id)) {
    deps.logger.warn('Supabase identity not provisioned: its sub is not a UUID');
    return null;
  }
  try {
    return await provisionSupabaseUser(deps, identity);
  } catch (err) {
    if (!(err instanceof IdentityConflictError)) throw err;
    deps.logger.warn('Supabase identity not provisioned: its email belongs to another user', { userId: identity.id });
    return null;
  }
}

/**
 * The user a Supabase access token stands for (provisioned on first use), or `null` when `token` is absent, not a
 * valid Supabase token (or Supabase is not configured), or cannot be provisioned.
 * @example const user = await userOfSupabaseToken(deps, bearerToken(c.req.header('authorization')));
 */
export async function userOfSupabaseToken(deps: AuthDeps, token: string | undefined): Promise<User | null> {
  const identity = token ? await verifySupabaseToken(deps, token) : null;
  return identity ? userOfSupabaseIdentity(deps, { id: identity.userId, email: identity.email }) : null;
}

/**
 * The principal of a Supabase user: its roles from the database, `authType: 'supabase_jwt'`, and `email: null` for
 * an identity stored without one.
 * @example return c.json({ principal: await supabasePrincipalOf(deps, user) }, 200);
 */
export async function supabasePrincipalOf(deps: AuthDeps, user: User): Promise<Principal> {
  return {
    userId: user.id,
    email: user.email === placeholderEmail(user.id) ? null : user.email,
    roles: await rolesOf(deps.db, user.id),
    authType: 'supabase_jwt',
  };
}
