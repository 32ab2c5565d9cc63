import { ACTIONS, type Action, type Permission, type Principal, RESOURCES, type Resource, ROLES, type Role, isRole } from './types.ts';

const every = (resource: Resource, actions: readonly Action[] = ACTIONS): Permission[] =>
  actions.map((action) => `${resource}:${action}` as const);

/** All 25 permissions (every resource × every action). */
export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze(RESOURCES.flatMap((resource) => every(resource)));

/**
 * What each role may do. Roles add up: a user holding `user` and `kb_admin` has the union of both rows.
 *
 * | role          | chat            | kb                          | asset           | auth                    | admin |
 * |---------------|-----------------|-----------------------------|-----------------|-------------------------|-------|
 * | `super_admin` | all             | all                         | all             | all                     | all   |
 * | `admin`       | all             | all                         | all             | all                     | all   |
 * | `developer`   | read write delete | read write delete         | read write delete | read write (own keys) | —     |
 * | `user`        | read write delete | read write                | read write      | read write (own keys)   | —     |
 * | `viewer`      | read            | read                        | read            | read                    | —     |
 * | `kb_admin`    | —               | all (read write delete share admin) | —       | —                       | —     |
 * | `kb_editor`   | —               | read write delete           | —               | —                       | —     |
 * | `kb_viewer`   | —               | read                        | —               | —                       | —     |
 *
 * `admin` holds every permission too; what sets `super_admin` apart is governance, enforced where roles are
 * assigned: only a super_admin may grant or take away `super_admin` (so an admin cannot touch a super_admin's
 * roles), and the last super_admin cannot be demoted. `auth:admin` is "manage other users' roles, keys and teams";
 * `auth:read`/`auth:write` cover one's own account and API keys.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  super_admin: ALL_PERMISSIONS,
  admin: ALL_PERMISSIONS,
  developer: [
    ...every('chat', ['read', 'write', 'delete']),
    ...every('kb', ['read', 'write', 'delete']),
    ...every('asset', ['read', 'write', 'delete']),
    ...every('auth', ['read', 'write']),
  ],
  user: [
    ...every('chat', ['read', 'write', 'delete']),
    ...every('kb', ['read', 'write']),
    ...every('asset', ['read', 'write']),
    ...every('auth', ['read', 'write']),
  ],
  viewer: ['chat:read', 'kb:read', 'asset:read', 'auth:read'],
  kb_admin: every('kb'),
  kb_editor: every('kb', ['read', 'write', 'delete']),
  kb_viewer: ['kb:read'],
});


/**
 * The union of the permissions of `roles`; unknown role names grant nothing.
 * @example permissionsOf(['viewer', 'kb_editor']).has('kb:write'); // true
 */
export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) if (isRole(role)) for (const permission of ROLE_PERMISSIONS[role]) granted.add(permission);
  return granted;
}

/**
 * Whether `principal` holds `permission`. Nobody (no principal) and anonymous callers hold none.
 * @example if (!can(c.get('principal'), 'kb:share')) throw new ApiError('FORBIDDEN', 'Missing permission kb:share');
 */
export function can(principal: Principal | null | undefined, permission: Permission): boolean {
  if (!principal || principal.authType === 'anonymous') return false;
  return permissionsOf(principal.roles).has(permission);
}

const PRIVILEGED_ROLES: ReadonlySet<Role> = new Set(
  ROLES.filter((role) => ROLE_PERMISSIONS[role].some((permission) => permission.endsWith(':admin'))),
);

/**
 * Whether `principal` holds a role with an `:admin` permission (super_admin, admin, kb_admin): the callers whose
 * credentials the gateway re-checks on every request, so that taking the role away counts at once.
 * @example if (isPrivileged(principal)) await checkInTheKv();
 */
export function isPrivileged(principal: Principal): boolean {
  return principal.roles.some((role) => PRIVILEGED_ROLES.has(role));
}
