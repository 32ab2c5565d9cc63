import { can } from '../../../lib/auth/rbac.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import { ApiError } from '../../../lib/errors/api-error.ts';
import { namespaceOf } from '../docs/paths.ts';
import type { ReadScope } from '../search/types.ts';
import type { TeamDirectory } from './teams.ts';

/**
 * What one caller may do in the knowledge base. Namespaces:
 * - `shared/`: every reader reads it; holders of `kb:delete` (kb_editor, developer, kb_admin, admin) write it.
 * - `users/<id>/`: the user `<id>` reads and writes it (with `kb:read` / `kb:write`).
 * - `teams/<id>/`: members of team `<id>` read and write it (with `kb:read` / `kb:write`).
 * - `kb:admin` holders (kb_admin, admin, super_admin) read and write everything.
 * Paths outside these namespaces (root files of a cloned repository) are readable by `kb:admin` holders only and
 * writable by nobody.
 */
export interface KbAccess {
  principal: Principal;
  isAdmin: boolean;
  teamIds: string[];
  /** The path prefixes this caller reads (or all), for search and listing. */
  scope: ReadScope;
  canRead(path: string): boolean;
  canWrite(path: string): boolean;
}

/** `kb:delete` is what kb_editor has beyond a plain user's `kb:read`/`kb:write`: it marks the shared-folder editors. */
const SHARED_EDITOR = 'kb:delete';

/**
 * The access of `principal`, with its team memberships looked up once.
 * @example const access = await accessOf(principalOf(c), deps.teams); if (!access.canRead(path)) throw ...
 */
export async function accessOf(principal: Principal, teams: TeamDirectory): Promise<KbAccess> {
  const isAdmin = can(principal, 'kb:admin');
  const reader = can(principal, 'kb:read');
  const writer = can(principal, 'kb:write');
  const user = principal.authType !== 'service' && principal.authType !== 'anonymous';
  const teamIds = user && !isAdmin && reader ? await teams.teamIdsOf(principal.userId) : [];
  const own = user ? `users/${principal.userId}` : null;
  const readable = new Set<string>(reader ? ['shared', ...(own ? [own] : []), ...teamIds.map((id) => `teams/${id}`)] : []);
  const writable = new Set<string>(
    writer ? [...(own ? [own] : []), ...teamIds.map((id) => `teams/${id}`), ...(can(principal, SHARED_EDITOR) ? ['shared'] : [])] : [],
  );
  return {
    principal,
    isAdmin,
    teamIds,
    scope: isAdmin ? { all: true } : { all: false, prefixes: [...readable].map((ns) => `${ns}/`) },
    canRead(path) {
      if (isAdmin) return true;
      const ns = namespaceOf(path);
      return ns !== null && readable.has(ns);
    },
    canWrite(path) {
      const ns = namespaceOf(path);
      if (ns === null) return false;
      return isAdmin || writable.has(ns);
    },
  };
}

/**
 * 403 unless `access` may read `path` (checked before the repository is touched, so the answer never depends on
 * whether the document exists).
 */
export function assertCanRead(access: KbAccess, path: string): void {
  if (!access.canRead(path)) throw new ApiError('FORBIDDEN', `You may not read ${namespaceLabel(path)}`);
}

/** 400 for paths outside every namespace; 403 unless `access` may write `path`. */
export function assertCanWrite(access: KbAccess, path: string): void {
  if (namespaceOf(path) === null) {
    throw new ApiError('KB_UNKNOWN_NAMESPACE', 'Documents live under shared/, users/<your id>/ or teams/<team id>/', {
      details: { path },
    });
  }
  if (!access.canWrite(path)) throw new ApiError('FORBIDDEN', `You may not write ${namespaceLabel(path)}`);
}

function namespaceLabel(path: string): string {
  const ns = namespaceOf(path);
  return ns === null ? 'this path' : `${ns}/`;
}
