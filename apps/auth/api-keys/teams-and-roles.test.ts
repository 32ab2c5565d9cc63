import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_SERVICE_PRINCIPAL, type Principal } from '../../../lib/auth/types.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { REVOCATIONS_CHANNEL } from '../../../lib/auth/revocation.ts';
import { hashApiKey } from '../../../lib/auth/api-key-format.ts';
import type { CreatedApiKey } from './routes/create-api-key.ts';
import type { Team } from './routes/create-team.ts';
import type { UserAccess } from './routes/get-user-access.ts';
import type { TeamList } from './routes/list-teams.ts';
import { teamsOf } from './teams.ts';
import { type AccessTestApp, type AccessTestDeps, accessApp, accessDeps, createUser, isolatedDb } from './test-support.ts';
import { verifyApiKey } from './verify.ts';

describe.each(dbBackends())('roles and teams on $name', (backend) => {
  let closeDb: () => Promise<void>;
  let deps: AccessTestDeps;
  let t: AccessTestApp;

  beforeAll(async () => {
    const isolated = await isolatedDb(backend);
    closeDb = isolated.close;
    deps = await accessDeps(isolated.db);
    t = await accessApp(deps);
  });
  afterAll(async () => {
    await deps?.runtime.close();
    await closeDb?.();
  });

  const call = async (principal: Principal, method: string, path: string, body?: unknown) =>
    t.app.request(path, { method, headers: await t.as(principal), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const putRoles = (actor: Principal, target: Principal, roles: string[]) =>
    call(actor, 'PUT', `/api/v1/auth/admin/users/${target.userId}/roles`, { roles });
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  describe('user roles', () => {
    it('shows a user with roles and teams to admins; 404 for an unknown id', async () => {
      const admin = await createUser(deps, ['admin']);
      const user = await createUser(deps, ['user', 'kb_viewer']);
      const res = await call(admin, 'GET', `/api/v1/auth/admin/users/${user.userId}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as UserAccess;
      expect(body).toMatchObject({ id: user.userId, email: user.email, roles: ['user', 'kb_viewer'], teams: [] });
      expect(Date.parse(body.created_at)).not.toBeNaN();
      expect((await call(admin, 'GET', `/api/v1/auth/admin/users/${crypto.randomUUID()}`)).status).toBe(404);
    });

    it('lets an admin replace roles, and tells gateways to re-verify the user\'s keys', async () => {
      const admin = await createUser(deps, ['admin']);
      const user = await createUser(deps, ['user']);
      const created = (await (await call(user, 'POST', '/api/v1/auth/api-keys', { name: 'k' })).json()) as CreatedApiKey;
      const events: string[] = [];
      const unsubscribe = await deps.kv.subscribe(REVOCATIONS_CHANNEL, (m) => events.push(m));
      const res = await putRoles(admin, user, ['developer', 'kb_admin', 'developer']);
      await unsubscribe();
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: user.userId, roles: ['developer', 'kb_admin'] });
      expect(events.map((e) => JSON.parse(e))).toEqual([
        { type: 'user', userId: user.userId, tokenVersion: 1 },
        { type: 'api_key', keyHash: await hashApiKey(created.key), reason: 'changed' },
      ]);
      expect((await verifyApiKey(deps, created.key))?.roles).toEqual(['developer', 'kb_admin']);
      expect((await putRoles(admin, { ...user, userId: crypto.randomUUID() }, ['user'])).status).toBe(404);
      expect((await putRoles(admin, user, [])).status).toBe(400);
      expect((await putRoles(admin, user, ['root'])).status).toBe(400);
    });

    it('keeps super_admin for super_admins: only they grant it or touch a super_admin\'s roles', async () => {
      const superAdmin = await createUser(deps, ['super_admin']);
      const admin = await createUser(deps, ['admin']);
      const user = await createUser(deps, ['user']);

      const grant = await putRoles(admin, user, ['super_admin']);
      expect(grant.status).toBe(403);
      expect(await errorCode(grant)).toBe('FORBIDDEN');
      expect((await putRoles(admin, superAdmin, ['super_admin', 'kb_admin'])).status).toBe(403);
      expect((await putRoles(admin, superAdmin, ['user'])).status).toBe(403);
      expect((await putRoles(admin, admin, ['admin', 'kb_admin'])).status).toBe(200);

      const promoted = await putRoles(superAdmin, user, ['super_admin', 'user']);
      expect(promoted.status).toBe(200);
      expect(await promoted.json()).toMatchObject({ roles: ['super_admin', 'user'] });
      expect((await putRoles(superAdmin, user, ['user'])).status).toBe(200);
    });

    it('never demotes the last super_admin', async () => {
      const supers = await deps.db.query<{ user_id: string }>(`select user_id from auth.user_roles where role = 'super_admin'`);
      for (const { user_id } of supers) {
        await deps.db.query(`delete from auth.user_roles where user_id = $1 and role = 'super_admin'`, [user_id]);
      }
      const only = await createUser(deps, ['super_admin']);
      const last = await putRoles(only, only, ['admin']);
      expect(last.status).toBe(409);
      expect(await errorCode(last)).toBe('CONFLICT');
      const second = await createUser(deps, ['user']);
      expect((await putRoles(only, second, ['super_admin'])).status).toBe(200);
      expect((await putRoles(only, only, ['admin'])).status).toBe(200);
      const secondNow: Principal = { ...second, roles: ['super_admin'] };
      expect((await putRoles(secondNow, secondNow, ['user'])).status).toBe(409);
    });
  });

  describe('teams', () => {
    const createTeam = async (owner: Principal, name: string) => {
      const res = await call(owner, 'POST', '/api/v1/auth/teams', { name });
      expect(res.status).toBe(201);
      return (await res.json()) as Team;
    };
    const teamsSeenBy = async (principal: Principal) =>
      ((await (await call(principal, 'GET', '/api/v1/auth/teams')).json()) as TeamList).teams;
    const member = (team: Team, user: Principal) => `/api/v1/auth/teams/${team.id}/members/${user.userId}`;

    it('creates a team with its creator as admin; names are unique', async () => {
      const owner = await createUser(deps, ['user']);
      const name = `research-${crypto.randomUUID()}`;
      const team = await createTeam(owner, name);
      expect(team).toMatchObject({ name, role: 'admin', members: [{ user_id: owner.userId, email: owner.email, role: 'admin' }] });
      const again = await call(owner, 'POST', '/api/v1/auth/teams', { name });
      expect(again.status).toBe(409);
      expect((await call(owner, 'POST', '/api/v1/auth/teams', { name: ' ' })).status).toBe(400);
    });

    it('manages membership: team admins add and change members, members may only leave', async () => {
      const owner = await createUser(deps, ['user']);
      const alice = await createUser(deps, ['user']);
      const bob = await createUser(deps, ['user']);
      const outsider = await createUser(deps, ['user']);
      const team = await createTeam(owner, `t-${crypto.randomUUID()}`);

      const added = await call(owner, 'PUT', member(team, alice), {});
      expect(added.status).toBe(200);
      expect(await added.json()).toEqual({ user_id: alice.userId, email: alice.email, role: 'member' });
      expect((await teamsSeenBy(alice)).map((x) => [x.id, x.role])).toEqual([[team.id, 'member']]);
      expect(await teamsOf(deps.db, alice.userId)).toEqual([{ id: team.id, name: team.name, role: 'member' }]);
      const forServices = await call(GATEWAY_SERVICE_PRINCIPAL, 'GET', `/internal/users/${alice.userId}/teams`);
      expect(await forServices.json()).toEqual({ teams: [{ id: team.id, name: team.name, role: 'member' }] });

      const byMember = await call(alice, 'PUT', member(team, bob), { role: 'member' });
      expect(byMember.status).toBe(403);
      expect((await call(outsider, 'PUT', member(team, bob), { role: 'member' })).status).toBe(404);
      expect((await call(outsider, 'DELETE', member(team, alice))).status).toBe(404);
      expect(await teamsSeenBy(outsider)).toEqual([]);
      expect((await call(owner, 'PUT', `/api/v1/auth/teams/${team.id}/members/${crypto.randomUUID()}`, {})).status).toBe(404);
      expect((await call(owner, 'PUT', `/api/v1/auth/teams/${crypto.randomUUID()}/members/${bob.userId}`, {})).status).toBe(404);
      expect((await call(owner, 'PUT', member(team, bob), { role: 'owner' })).status).toBe(400);

      expect((await call(owner, 'PUT', member(team, alice), { role: 'admin' })).status).toBe(200);
      expect((await call(alice, 'PUT', member(team, bob), { role: 'member' })).status).toBe(200);
      expect((await call(bob, 'DELETE', member(team, alice))).status).toBe(403);
      expect((await call(bob, 'DELETE', member(team, bob))).status).toBe(204);
      expect((await call(owner, 'DELETE', member(team, bob))).status).toBe(404);
      expect(await teamsOf(deps.db, bob.userId)).toEqual([]);
    });

    it('keeps at least one admin in a team', async () => {
      const owner = await createUser(deps, ['user']);
      const team = await createTeam(owner, `solo-${crypto.randomUUID()}`);
      const demote = await call(owner, 'PUT', member(team, owner), { role: 'member' });
      expect(demote.status).toBe(409);
      expect((await call(owner, 'DELETE', member(team, owner))).status).toBe(409);
      expect(await teamsOf(deps.db, owner.userId)).toEqual([{ id: team.id, name: team.name, role: 'admin' }]);
    });

    it('lets auth:admin holders see and manage every team', async () => {
      const owner = await createUser(deps, ['user']);
      const admin = await createUser(deps, ['admin']);
      const newcomer = await createUser(deps, ['viewer']);
      const team = await createTeam(owner, `any-${crypto.randomUUID()}`);
      const seen = await teamsSeenBy(admin);
      expect(seen.find((x) => x.id === team.id)).toMatchObject({ role: null, members: [{ user_id: owner.userId }] });
      expect((await call(admin, 'PUT', member(team, newcomer), { role: 'admin' })).status).toBe(200);
      expect((await call(admin, 'DELETE', member(team, owner))).status).toBe(204);
      expect((await teamsSeenBy(newcomer)).map((x) => x.role)).toEqual(['admin']);
    });
  });
});
