import { ApiError } from '../../../lib/errors/api-error.ts';
import type { SqlRunner } from '../../../lib/db/types.ts';
import type { AuthDeps } from '../deps.ts';

export type TeamRole = 'member' | 'admin';
export const TEAM_ROLES = ['member', 'admin'] as const satisfies readonly TeamRole[];

/** A team the user belongs to, with the user's role in it. */
export interface Membership {
  id: string;
  name: string;
  role: TeamRole;
}

export interface TeamMember {
  user_id: string;
  email: string;
  role: TeamRole;
}

export interface TeamInfo {
  id: string;
  name: string;
  created_at: string;
  /** The caller's role in the team; null when an admin sees a team they are not in. */
  role: TeamRole | null;
  members: TeamMember[];
}

/** Who acts on a team: `isAdmin` = holds `auth:admin`, which may manage every team. */
export interface TeamActor {
  userId: string;
  isAdmin: boolean;
}

/**
 * The teams `userId` belongs to, with their role in each, by name. For sharing decisions (KB sharing with teams).
 * @example const teamIds = (await teamsOf(deps.db, principal.userId)).map((t) => t.id);
 */
export async function teamsOf(db: SqlRunner, userId: string): Promise<Membership[]> {
  return db.query<Membership & Record<string, unknown>>(
    `select t.id, t.name, m.role from auth.team_members m join auth.teams t on t.id = m.team_id
      where m.user_id = $1 order by t.name`,
    [userId],
  );
}

/**
 * Creates a team whose first admin is `creatorId`. 409 when the name is taken.
 * @example const team = await createTeam(deps, 'research', principal.userId);
 */
export async function createTeam(deps: AuthDeps, name: string, creatorId: string): Promise<TeamInfo> {
  const now = new Date(deps.now());
  const created = await deps.db.transaction(async (tx) => {
    const [team] = await tx.query<{ id: string }>(
      'insert into auth.teams (name, created_at) values ($1, $2) on conflict (name) do nothing returning id',
      [name, now],
    );
    if (!team) throw new ApiError('CONFLICT', `A team named ${JSON.stringify(name)} already exists`);
    const [member] = await tx.query(
      `insert into auth.team_members (team_id, user_id, role, created_at)
       select $1, u.id, 'admin', $3 from auth.users u where u.id = $2 returning user_id`,
      [team.id, creatorId, now],
    );
    if (!member) throw new ApiError('NOT_FOUND', 'User not found');
    return team.id;
  });
  const [team] = await loadTeams(deps.db, creatorId, [created]);
  return team!;
}

interface TeamRow extends Record<string, unknown> {
  id: string;
  name: string;
  created_at: Date | string;
  members: TeamMember[] | string | null;
}

async function loadTeams(db: SqlRunner, viewerId: string, ids: string[] | null): Promise<TeamInfo[]> {
  const rows = await db.query<TeamRow>(
    `select t.id, t.name, t.created_at,
            coalesce((select json_agg(json_build_object('user_id', m.user_id, 'email', u.email, 'role', m.role) order by u.email)
                        from auth.team_members m join auth.users u on u.id = m.user_id
                       where m.team_id = t.id), '[]'::json) as members
       from auth.teams t
      where ($1::text is null or t.id in (select (jsonb_array_elements_text($1::text::jsonb))::uuid))
      order by t.name`,
    [ids === null ? null : JSON.stringify(ids)],
  );
  return rows.map((row) => {
    const members = (typeof row.members === 'string' ? JSON.parse(row.members) : (row.members ?? [])) as TeamMember[];
    return {
      id: row.id,
      name: row.name,
      created_at: new Date(row.created_at).toISOString(),
      role: members.find((m) => m.user_id === viewerId)?.role ?? null,
      members,
    };
  });
}

/**
 * The teams the actor belongs to; with `all` (admins only), every team.
 * @example const teams = await listTeams(deps, { userId, isAdmin: true }, true);
 */
export async function listTeams(deps: AuthDeps, actor: TeamActor, all: boolean): Promise<TeamInfo[]> {
  if (all && actor.isAdmin) return loadTeams(deps.db, actor.userId, null);
  const mine = await teamsOf(deps.db, actor.userId);
  return mine.length === 0 ? [] : loadTeams(deps.db, actor.userId, mine.map((t) => t.id));
}

/**
 * Locks the team for a membership change and checks the actor may see it (member or admin: else 404) and manage
 * it (team admin or `auth:admin`: else 403, unless `selfService` lets members act on themselves).
 */
async function lockTeam(tx: SqlRunner, teamId: string, actor: TeamActor, selfService: boolean): Promise<void> {
  const [team] = await tx.query<{ id: string; actor_role: TeamRole | null }>(
    `select t.id, (select m.role from auth.team_members m where m.team_id = t.id and m.user_id = $2) as actor_role
       from auth.teams t where t.id = $1 for update`,
    [teamId, actor.userId],
  );
  if (!team || (!actor.isAdmin && team.actor_role === null)) throw new ApiError('NOT_FOUND', 'Team not found');
  if (!actor.isAdmin && team.actor_role !== 'admin' && !selfService) {
    throw new ApiError('FORBIDDEN', 'Only a team admin can manage its members');
  }
}

async function assertAdminRemains(tx: SqlRunner, teamId: string): Promise<void> {
  const [row] = await tx.query<{ admins: number }>(
    `select count(*)::int as admins from auth.team_members where team_id = $1 and role = 'admin'`,
    [teamId],
  );
  if ((row?.admins ?? 0) === 0) throw new ApiError('CONFLICT', 'A team needs at least one admin; appoint another first');
}

/**
 * Adds `userId` to the team or changes their role (team admins and `auth:admin` only). 404 for an unknown user.
 * @example await setTeamMember(deps, teamId, userId, 'member', actor);
 */
export async function setTeamMember(
  deps: AuthDeps,
  teamId: string,
  userId: string,
  role: TeamRole,
  actor: TeamActor,
): Promise<TeamMember> {
  return deps.db.transaction(async (tx) => {
    await lockTeam(tx, teamId, actor, false);
    const [member] = await tx.query<TeamMember & Record<string, unknown>>(
      `insert into auth.team_members (team_id, user_id, role, created_at)
       select $1, u.id, $3, $4 from auth.users u where u.id = $2
       on conflict (team_id, user_id) do update set role = excluded.role
       returning user_id, role, (select email from auth.users where id = $2) as email`,
      [teamId, userId, role, new Date(deps.now())],
    );
    if (!member) throw new ApiError('NOT_FOUND', 'User not found');
    await assertAdminRemains(tx, teamId);
    return { user_id: member.user_id, email: member.email, role: member.role };
  });
}

/**
 * Removes `userId` from the team: team admins and `auth:admin` remove anyone, members may leave. 404 when the user is
 * not a member; 409 when the last admin would go.
 * @example await removeTeamMember(deps, teamId, userId, actor);
 */
export async function removeTeamMember(deps: AuthDeps, teamId: string, userId: string, actor: TeamActor): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await lockTeam(tx, teamId, actor, userId === actor.userId);
    const removed = await tx.query('delete from auth.team_members where team_id = $1 and user_id = $2 returning user_id', [
      teamId,
      userId,
    ]);
    if (removed.length === 0) throw new ApiError('NOT_FOUND', 'Team member not found');
    await assertAdminRemains(tx, teamId);
  });
}
