import type { Principal, Role } from '../../../lib/auth/types.ts';
import type { SqlRunner } from '../../../lib/db/types.ts';
import { ApiError } from '../../../lib/errors/api-error.ts';
import type { AuthDeps } from '../deps.ts';
import { revocationsFor } from '../revocations/publisher.ts';
import { recordRoleChange } from '../users/role-changes.ts';
import { inRoleOrder, rolesOf } from '../users/roles.ts';
import { userKeyRevocations } from './store.ts';
import { type Membership, teamsOf } from './teams.ts';

export interface UserAccess {
  id: string;
  email: string;
  roles: Role[];
  created_at: string;
  teams: Membership[];
}

/**
 * A user's email, roles and teams; 404 when there is no such user.
 * @example const user = await getUserAccess(deps.db, id);
 */
export async function getUserAccess(db: SqlRunner, userId: string): Promise<UserAccess> {
  const [user] = await db.query<{ id: string; email: string; created_at: Date | string; roles: string[] }>(
    `select u.id, u.email, u.created_at,
            coalesce((select array_agg(r.role::text) from auth.user_roles r where r.user_id = u.id), '{}') as roles
       from auth.users u where u.id = $1`,
    [userId],
  );
  if (!user) throw new ApiError('NOT_FOUND', 'User not found');
  return {
    id: user.id,
    email: user.email,
    roles: inRoleOrder(user.roles),
    created_at: new Date(user.created_at).toISOString(),
    teams: await teamsOf(db, userId),
  };
}

/**
 * Replaces a user's roles. Rules: only a super_admin may grant `super_admin` or change the roles of a user who has
 * it (403 otherwise); the last super_admin cannot lose the role (409). A real change is audited
 * (`auth.role_changes`), bumps the user's token version, and is announced before this resolves: gateways refuse
 * the user's older access tokens and re-verify its API keys.
 * @example await setUserRoles(deps, targetId, ['user', 'kb_editor'], principal);
 */
export async function setUserRoles(deps: AuthDeps, userId: string, roles: readonly Role[], actor: Principal): Promise<UserAccess> {
  const wanted = inRoleOrder(roles);
  const actorIsSuper = actor.roles.includes('super_admin');
  const changed = await deps.db.transaction(async (tx) => {
    // Serialises every change of super_admin holders, so two demotions can't both pass the "last one" check.
    const supers = await tx.query<{ user_id: string }>(
      `select user_id from auth.user_roles where role = 'super_admin' order by user_id for update`,
    );
    const [target] = await tx.query<{ id: string; email: string }>('select id, email from auth.users where id = $1 for update', [userId]);
    if (!target) throw new ApiError('NOT_FOUND', 'User not found');
    const targetIsSuper = supers.some((s) => s.user_id === userId);
    if (!actorIsSuper && (targetIsSuper || wanted.includes('super_admin'))) {
      throw new ApiError('FORBIDDEN', 'Only a super_admin may grant super_admin or change the roles of a super_admin');
    }
    if (targetIsSuper && !wanted.includes('super_admin') && supers.length === 1) {
      throw new ApiError('CONFLICT', 'The last super_admin cannot lose the role; make someone else super_admin first');
    }
    const from = await rolesOf(tx, userId);
    if (from.join() === wanted.join()) return undefined;
    const at = new Date(deps.now());
    await tx.query('delete from auth.user_roles where user_id = $1', [userId]);
    await tx.query(
      `insert into auth.user_roles (user_id, role, created_at)
       select $1, r, $3 from jsonb_array_elements_text($2::text::jsonb) as r`,
      [userId, JSON.stringify(wanted), at],
    );
    const tokenVersion = await recordRoleChange(tx, { actor, target, from, to: wanted, at });
    return { tokenVersion, from };
  });
  if (changed) {
    deps.logger.info('user roles changed', { actorId: actor.userId, userId, from: changed.from, to: wanted });
    await revocationsFor(deps).announce([
      { type: 'user', userId, tokenVersion: changed.tokenVersion },
      ...(await userKeyRevocations(deps, userId)),
    ]);
  }
  return getUserAccess(deps.db, userId);
}
