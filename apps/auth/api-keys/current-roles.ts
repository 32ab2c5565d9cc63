import type { MiddlewareHandler } from 'hono';
import type { Principal } from '../../../lib/auth/types.ts';
import { ApiError } from '../../../lib/errors/api-error.ts';
import type { AppEnv } from '../../../lib/http/env.ts';
import type { AuthDeps } from '../deps.ts';
import { effectiveRoles, isKeyActive } from './key-state.ts';

interface AccessRow extends Record<string, unknown> {
  owner_roles: string[];
  key_roles: string[] | null;
  revoked_at: Date | string | null;
  expires_at: Date | string | null;
  grace_until: Date | string | null;
}

const refused = (why: string) => new ApiError('UNAUTHENTICATED', why, { details: { reason: 'revoked' } });

/**
 * The caller with the roles the database gives it now, not those its token was issued with: a user's current roles;
 * for an API key, its owner's current roles narrowed to its scopes (401 once the key is revoked, expired or past its
 * rotation grace; 401 for a user that no longer exists). Services and anonymous callers are returned as they are.
 * @example const principal = await currentPrincipal(deps, principalOf(c));
 */
export async function currentPrincipal(deps: AuthDeps, principal: Principal): Promise<Principal> {
  if (principal.authType === 'service' || principal.authType === 'anonymous') return principal;
  const byKey = principal.authType === 'api_key' && principal.keyId !== undefined;
  const [row] = await deps.db.query<AccessRow>(
    `select coalesce((select array_agg(r.role::text) from auth.user_roles r where r.user_id = u.id), '{}') as owner_roles,
            k.roles as key_roles, k.revoked_at, k.expires_at, k.grace_until
       from auth.users u
       left join auth.api_keys k on k.id = $2::uuid and k.user_id = u.id
      where u.id = $1::uuid`,
    [principal.userId, byKey ? principal.keyId : null],
  );
  if (!row) throw refused('This user no longer exists');
  if (!byKey) return { ...principal, roles: effectiveRoles(row.owner_roles, null) };
  if (!isKeyActive(row, deps.now())) throw refused('This API key is no longer valid');
  return { ...principal, roles: effectiveRoles(row.owner_roles, row.key_roles) };
}

/**
 * Replaces the request's principal by {@link currentPrincipal}, so permission checks on these routes (roles, API
 * keys, teams) use the roles the database gives the caller now: a demoted admin's token, however fresh, can no
 * longer act as an admin here, not even to give itself the role back.
 * @example app.use('/api/v1/auth/admin/*', withCurrentRoles(deps));
 */
export function withCurrentRoles(deps: AuthDeps): MiddlewareHandler<AppEnv> {
  return async function currentRoles(c, next) {
    const principal = c.get('principal');
    if (principal) c.set('principal', await currentPrincipal(deps, principal));
    return next();
  };
}
