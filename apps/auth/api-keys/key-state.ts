import { ROLES, type Role } from '../../../lib/auth/types.ts';

const time = (value: Date | string | null) => (value === null ? null : new Date(value).getTime());

/**
 * The roles a key acts with: the owner's current roles, narrowed to the key's scopes when it has any (so a demoted
 * owner's keys lose the role at once). In the platform's role order.
 * @example effectiveRoles(['user', 'kb_admin'], ['kb_admin', 'admin']); // ['kb_admin']
 */
export function effectiveRoles(ownerRoles: readonly string[], keyRoles: readonly string[] | null): Role[] {
  return ROLES.filter((role) => ownerRoles.includes(role) && (keyRoles === null || keyRoles.includes(role)));
}

/**
 * Whether a stored key is usable at `now` (ms): not revoked, not expired, and — once rotated — still in its grace.
 * @example isKeyActive(row, deps.now());
 */
export function isKeyActive(
  row: { revoked_at: Date | string | null; expires_at: Date | string | null; grace_until: Date | string | null },
  now: number,
): boolean {
  const expiresAt = time(row.expires_at);
  const graceUntil = time(row.grace_until);
  return row.revoked_at === null && (expiresAt === null || expiresAt > now) && (graceUntil === null || graceUntil > now);
}
