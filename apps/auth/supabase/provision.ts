import type { Principal } from '../../../lib/auth/types.ts';
import type { AuthDeps } from '../deps.ts';
import { provisionExternalUser } from '../users/provision-external-user.ts';
import { accessOrNone } from '../users/roles.ts';
import type { User } from '../users/user.ts';
import { verifySupabaseToken } from './tokens.ts';

/** `provider` of users provisioned from Supabase identities. */
export const SUPABASE_PROVIDER = 'supabase';

/** The stored (required) email of a Supabase identity without one — a phone or anonymous sign-in. */
const placeholderEmail = (subject: string) => `${subject.toLowerCase()}@supabase.invalid`;

/** A Supabase identity: its issuer and subject (the token's `iss` and `sub`), and the email it carries. */
export interface SupabaseIdentity {
  issuer: string;
  subject: string;
  email: string | null;
}

/**
 * The user for a Supabase identity, created on first sight (role `user`, email confirmed, no password) — idempotent,
 * also under concurrency, and keyed by issuer and subject: an email another user has too is no conflict and merges
 * nothing. An identity without an email is stored as `<sub>@supabase.invalid` (RFC 2606: never deliverable).
 * @example const user = await provisionSupabaseUser(deps, { issuer: claims.iss, subject: claims.sub, email: null });
 */
export function provisionSupabaseUser(deps: AuthDeps, identity: SupabaseIdentity): Promise<User> {
  return provisionExternalUser(deps.db, {
    issuer: identity.issuer,
    subject: identity.subject,
    email: identity.email ?? placeholderEmail(identity.subject),
    provider: SUPABASE_PROVIDER,
    at: new Date(deps.now()),
  });
}

/**
 * The user a Supabase access token stands for (provisioned on first use), or `null` when `token` is absent, or not a
 * valid Supabase token (or Supabase is not configured).
 * @example const user = await userOfSupabaseToken(deps, bearerToken(c.req.header('authorization')));
 */
export async function userOfSupabaseToken(deps: AuthDeps, token: string | undefined): Promise<User | null> {
  const verified = token ? await verifySupabaseToken(deps, token) : null;
  return verified ? provisionSupabaseUser(deps, { issuer: verified.issuer, subject: verified.userId, email: verified.email }) : null;
}

/**
 * The principal of a Supabase user, its roles and token version read together from the database (`authType:
 * 'supabase_jwt'`, `email: null` for an identity stored without one).
 * @example return c.json(await supabasePrincipalOf(deps, user), 200);
 */
export async function supabasePrincipalOf(deps: AuthDeps, user: User): Promise<{ principal: Principal; tokenVersion: number }> {
  const access = await accessOrNone(deps.db, user.id);
  const email = user.email.endsWith('@supabase.invalid') ? null : user.email;
  return { principal: { userId: user.id, email, roles: access.roles, authType: 'supabase_jwt' }, tokenVersion: access.tokenVersion };
}
