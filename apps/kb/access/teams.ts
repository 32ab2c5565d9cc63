import type { Logger } from '../../../lib/logging/logger.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';
import type { ServiceClient } from '../../../lib/service/types.ts';

/** The teams a user belongs to (ids), for `teams/<id>/` folders. */
export interface TeamDirectory {
  teamIdsOf(userId: string): Promise<string[]>;
}

export interface AuthTeamDirectoryOptions {
  /** How long a user's memberships are reused. Default 30 s: a membership change reaches the KB within that. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Memberships from the auth service (`GET /internal/users/{id}/teams`, as the kb service's own identity), cached
 * per user. When auth cannot answer, the user gets no team folders (never someone else's) and the failure is logged.
 * @example const teams = authTeamDirectory(withIdentity(authClient, tokens, servicePrincipal('kb')), logger);
 */
export function authTeamDirectory(auth: ServiceClient, logger: Logger, options: AuthTeamDirectoryOptions = {}): TeamDirectory {
  const ttlMs = options.ttlMs ?? 30_000;
  const cache = new TtlCache<string, Promise<string[]>>(10_000, options.now);
  const load = async (userId: string): Promise<string[]> => {
    const res = await auth.fetch(new Request(`http://auth/internal/users/${encodeURIComponent(userId)}/teams`));
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`auth answered ${res.status} for the teams of a user`);
    }
    const body = (await res.json()) as { teams: { id: string }[] };
    return body.teams.map((team) => team.id);
  };
  return {
    teamIdsOf(userId) {
      const cached = cache.get(userId);
      if (cached) return cached;
      const pending = load(userId).catch((err: unknown) => {
        cache.delete(userId);
        logger.warn('team memberships unavailable; team folders hidden for this request', {
          error: err instanceof Error ? err.message : String(err),
        });
        return [];
      });
      cache.set(userId, pending, ttlMs);
      return pending;
    },
  };
}

/** A fixed directory, for callers without an auth service (tests, tools). */
export function staticTeamDirectory(memberships: Record<string, string[]>): TeamDirectory {
  return { teamIdsOf: async (userId) => memberships[userId] ?? [] };
}
