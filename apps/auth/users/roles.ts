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

/**
 * The known roles among `roles`, in the platform's role order (unknown values dropped).
 * @example inRoleOrder(['user', 'admin']) // ['admin', 'user']
 */
export function inRoleOrder(roles: readonly string[]): Role[] {
  const held = new Set(roles);
  return ROLES.filter((role) => held.has(role));
}

/**
 * Grants `role` (a no-op when the user already has it).
 * @example await grantRole(deps.db, user.id, 'kb_editor');
 */
export async function grantRole(db: SqlRunner, userId: string, role: Role): Promise<void> {
  await db.query('insert into auth.user_roles (user_id, role) values ($1, $2) on conflict do nothing', [userId, role]);
}
