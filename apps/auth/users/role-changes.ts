import type { Principal, Role } from '../../../lib/auth/types.ts';
import type { SqlRunner } from '../../../lib/db/types.ts';
import { inRoleOrder } from './roles.ts';

export interface RoleChange {
  id: string;
  /** Who changed the roles; `null` for the platform itself (the bootstrap admin). */
  actor_id: string | null;
  actor_email: string | null;
  target_id: string;
  target_email: string;
  from: Role[];
  to: Role[];
  created_at: string;
}

export interface RoleChangeInput {
  /** `null` for the platform itself. */
  actor: Pick<Principal, 'userId' | 'email'> | null;
  target: { id: string; email: string };
  from: readonly Role[];
  to: readonly Role[];
  at: Date;
}

/**
 * Records a change of a user's roles and bumps the user's token version, in the caller's transaction; resolves the
 * new version (every access token issued before carries an older `tv` and is refused by the gateways from now on).
 * @example const version = await recordRoleChange(tx, { actor: principal, target, from, to, at: new Date() });
 */
export async function recordRoleChange(tx: SqlRunner, change: RoleChangeInput): Promise<number> {
  await tx.query(
    `insert into auth.role_changes (actor_id, actor_email, target_id, target_email, from_roles, to_roles, created_at)
     values ($1, $2, $3, $4, $5::text[], $6::text[], $7)`,
    [change.actor?.userId ?? null, change.actor?.email ?? null, change.target.id, change.target.email, [...change.from], [...change.to], change.at],
  );
  const [row] = await tx.query<{ token_version: number }>(
    'update auth.users set token_version = token_version + 1, updated_at = $2 where id = $1 returning token_version',
    [change.target.id, change.at],
  );
  return row!.token_version;
}

interface RoleChangeRow extends Record<string, unknown> {
  id: string;
  actor_id: string | null;
  actor_email: string | null;
  target_id: string;
  target_email: string;
  from_roles: string[];
  to_roles: string[];
  created_at: Date | string;
}

export interface RoleChangePage {
  changes: RoleChange[];
  /** Pass as `before` for the next (older) page; `null` on the last page. */
  next: string | null;
}

/**
 * Role changes, newest first, optionally of one user; `before` is the `next` of the previous page.
 * @example const { changes, next } = await listRoleChanges(deps.db, { limit: 50 });
 */
export async function listRoleChanges(db: SqlRunner, query: { targetId?: string; before?: string; limit: number }): Promise<RoleChangePage> {
  const cursor = query.before === undefined ? null : decodeCursor(query.before);
  const rows = await db.query<RoleChangeRow>(
    `select id, actor_id, actor_email, target_id, target_email, from_roles, to_roles, created_at
       from auth.role_changes
      where ($1::uuid is null or target_id = $1::uuid)
        and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc
      limit $4`,
    [query.targetId ?? null, cursor?.at ?? null, cursor?.id ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit).map(
    (row): RoleChange => ({
      id: row.id,
      actor_id: row.actor_id,
      actor_email: row.actor_email,
      target_id: row.target_id,
      target_email: row.target_email,
      from: inRoleOrder(row.from_roles),
      to: inRoleOrder(row.to_roles),
      created_at: new Date(row.created_at).toISOString(),
    }),
  );
  const last = page.at(-1);
  return { changes: page, next: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null };
}

const encodeCursor = (at: string, id: string) => btoa(`${at}|${id}`).replace(/=+$/, '');

/** The `{at, id}` of a cursor, or `undefined` (the route refuses it) when it is not one of ours. */
export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const [at, id] = atob(cursor).split('|');
    if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
    return { at, id };
  } catch {
    return undefined;
  }
}
