import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, can, permissionsOf, ROLE_PERMISSIONS } from './rbac.ts';
import { ACTIONS, type Permission, type Principal, RESOURCES, ROLES, type Role } from './types.ts';

/** The agreed table, written out in full: a change to rbac.ts must change this too. */
const expected: Record<Role, Partial<Record<(typeof RESOURCES)[number], string>>> = {
  super_admin: { chat: 'rwdsa', kb: 'rwdsa', asset: 'rwdsa', auth: 'rwdsa', admin: 'rwdsa' },
  admin: { chat: 'rwdsa', kb: 'rwdsa', asset: 'rwdsa', auth: 'rwdsa', admin: 'rwdsa' },
  developer: { chat: 'rwd', kb: 'rwd', asset: 'rwd', auth: 'rw' },
  user: { chat: 'rwd', kb: 'rw', asset: 'rw', auth: 'rw' },
  viewer: { chat: 'r', kb: 'r', asset: 'r', auth: 'r' },
  kb_admin: { kb: 'rwdsa' },
  kb_editor: { kb: 'rwd' },
  kb_viewer: { kb: 'r' },
};
const letter = { read: 'r', write: 'w', delete: 'd', share: 's', admin: 'a' } as const;

const cases = ROLES.flatMap((role) =>
  RESOURCES.flatMap((resource) =>
    ACTIONS.map((action) => ({
      role,
      permission: `${resource}:${action}` as Permission,
      granted: (expected[role][resource] ?? '').includes(letter[action]),
    })),
  ),
);

const principal = (roles: Role[], authType: Principal['authType'] = 'jwt'): Principal => ({
  userId: '00000000-0000-4000-8000-000000000001',
  email: null,
  roles,
  authType,
});

describe('RBAC permission table', () => {
  it.each(cases)('$role → $permission: $granted', ({ role, permission, granted }) => {
    expect(can(principal([role]), permission)).toBe(granted);
    expect(ROLE_PERMISSIONS[role].includes(permission)).toBe(granted);
  });

  it('lists each permission once per role, and 25 permissions in all', () => {
    expect(ALL_PERMISSIONS).toHaveLength(25);
    for (const role of ROLES) expect(new Set(ROLE_PERMISSIONS[role]).size).toBe(ROLE_PERMISSIONS[role].length);
  });

  it('adds roles up and ignores unknown role names', () => {
    const granted = permissionsOf(['viewer', 'kb_editor', 'root' as Role]);
    expect([...granted].sort()).toEqual(['asset:read', 'auth:read', 'chat:read', 'kb:delete', 'kb:read', 'kb:write']);
    expect(permissionsOf([]).size).toBe(0);
  });

  it('grants nothing to nobody and to anonymous callers, whatever their roles', () => {
    expect(can(undefined, 'chat:read')).toBe(false);
    expect(can(null, 'chat:read')).toBe(false);
    expect(can(principal(['super_admin'], 'anonymous'), 'chat:read')).toBe(false);
    expect(can(principal(['user'], 'api_key'), 'chat:write')).toBe(true);
  });
});
