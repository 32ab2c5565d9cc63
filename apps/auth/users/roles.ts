import { ROLES, type Role } from '../../../lib/auth/types.ts';
import type { SqlRunner } from '../../../lib/db/types.ts';

/** Every new user gets this role. */
export const DEFAULT_ROLE: Role = 'user';

/**
 * The user's roles, in the platform's role order (empty for an unknown user).
 * @example const roles = await rolesOf(deps.db, user.id); // ['user']
 */
export async function rolesOf(db: SqlRunner, userId: string): Promise<Role[]> {
  const rows = await db.query<{ role: string }>('select role from auth.user_roles where user_id = $1', [userId]);
  return inRoleOrder(rows.map((r) => r.role));
}

/** What an access token of a user carries: its roles, and the version they belong to (`tv`). */
export interface UserAccessClaims {
  roles: Role[];
  tokenVersion: number;
}

/**
 * A user's roles and token version, read together (so a token never pairs new roles with an old version or the
 * reverse); `null` for an unknown user.
 * @example const access = await accessOf(deps.db, user.id); // { roles: ['user'], tokenVersion: 0 }
 */
export async function accessOf(db: SqlRunner, userId: string): Promise<UserAccessClaims | null> {
  const [row] = await db.query<{ roles: string[]; token_version: number }>(
    `select u.token_version,
            coalesce((select array_agg(r.role::text) from auth.user_roles r where r.user_id = u.id), '{}') as roles
       from auth.users u where u.id = $1`,
    [userId],
  );
  return row ? { roles: inRoleOrder(row.roles), tokenVersion: row.token_version } : null;
}

/**
 * {@link accessOf}, or no roles at all for a user deleted meanwhile (its token is then refused at the gateway).
 * @example await sessionResponse(deps, user, await accessOrNone(deps.db, user.id), refresh);
 */
export async function accessOrNone(db: SqlRunner, userId: string): Promise<UserAccessClaims> {
  return (await accessOf(db, userId)) ?? { roles: [], tokenVersion: 0 };
}

/**
 * The known roles among `roles`, in the platform's role order (unknown values dropped).
 * @example inRoleOrder(['user', 'admin']) // ['admin', 'user']
 */
export function inRoleOrder(roles: readonly string[]): Role[] {
  const held = new Set(roles);
  return ROLES.filter((role) => held.has(role));
}
