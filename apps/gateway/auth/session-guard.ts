import {
  encodeSessionRecord,
  encodeTokenVersionRecord,
  parseSessionRecord,
  parseTokenVersionRecord,
  type Revocation,
  revocationKeys,
} from '../../../lib/auth/revocation.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { RevocationFeed } from './revocation-feed.ts';

/** What the auth service's database says of a user and one of its sessions. */
export interface SessionState {
  /** The version the user's tokens must carry at least; `null` when there is no such user. */
  tokenVersion: number | null;
  /** The session's state; `undefined` when no session was asked about. */
  session?: 'active' | 'ended';
}

export interface SessionGuardOptions {
  kv: Kv;
  feed: RevocationFeed;
  logger: Logger;
  /** `POST /internal/sessions/check` on the auth service; throws `CredentialStoreError` when it cannot answer. */
  check: (userId: string, sessionId: string | undefined) => Promise<SessionState>;
  now?: () => number;
}

export interface SessionQuery {
  userId: string;
  sessionId?: string;
  /** A privileged caller's state is read from the KV (or the auth service) on every request, never from memory. */
  privileged: boolean;
  /** When the token expires (ms): how long a fill of an ended session is kept. */
  expiresAt: number;
}

export interface SessionGuard {
  /** The current state of a token's user and session, from memory, the KV, or the auth service (in that order). */
  state(query: SessionQuery): Promise<SessionState>;
  /** A revocation from the feed. */
  apply(revocation: Revocation): void;
  /** The feed had a gap: forget everything kept in process. */
  dropMemory(): void;
}

/** In-process copies of what was read (not told) live this long. */
const READ_MEMORY_MS = 30_000;
/** What the feed told (an ended session, a new version) is kept this long: longer than any access token lives. */
const TOLD_MEMORY_MS = 30 * 60_000;
/** KV fills (cache records written from the auth service's answer) live this long. */
const FILL_TTL_MS = 60_000;

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Whether a token's session still stands and its user's roles have not changed since it was issued, checked by the
 * gateway for every request with a JWT. Three levels: memory (only while the revocation feed is live, and never for
 * privileged callers), the KV records the auth service writes on every revocation (`auth:session:<sid>`,
 * `auth:token-version:<user>`), and the auth service itself when a record is missing, older than the feed's last
 * gap, or the KV is down — so a lost Redis never turns "unknown" into "fine". Memory only moves towards refusal:
 * an ended session stays ended and a version only grows, whatever order reads and messages arrive in.
 * @example const { tokenVersion, session } = await guard.state({ userId, sessionId, privileged, expiresAt });
 */
export function createSessionGuard(options: SessionGuardOptions): SessionGuard {
  const { kv, feed, logger } = options;
  const now = options.now ?? Date.now;
  const versions = new TtlCache<string, number>(20_000, now);
  const sessions = new TtlCache<string, 'active' | 'ended'>(20_000, now);
  const inflight = new Map<string, Promise<SessionState>>();

  const learnVersion = (userId: string, version: number, ttlMs: number) => {
    const known = versions.get(userId);
    if (known === undefined || known < version) versions.set(userId, version, ttlMs);
  };
  const learnSession = (sessionId: string, state: 'active' | 'ended', ttlMs: number) => {
    if (state === 'ended' || sessions.get(sessionId) !== 'ended') sessions.set(sessionId, state, ttlMs);
  };

  const fromMemory = (query: SessionQuery): SessionState | undefined => {
    const tokenVersion = versions.get(query.userId);
    if (tokenVersion === undefined) return undefined;
    if (query.sessionId === undefined) return { tokenVersion };
    const session = sessions.get(query.sessionId);
    return session === undefined ? undefined : { tokenVersion, session };
  };

  const fromKv = async (query: SessionQuery): Promise<SessionState | undefined> => {
    const [rawVersion, rawSession] = await Promise.all([
      kv.get(revocationKeys.tokenVersion(query.userId)),
      query.sessionId === undefined ? null : kv.get(revocationKeys.session(query.sessionId)),
    ]);
    const version = rawVersion === null ? undefined : parseTokenVersionRecord(rawVersion);
    if (!version || version.at < feed.distrustBefore) return undefined;
    if (query.sessionId === undefined) return { tokenVersion: version.version };
    const session = rawSession === null ? undefined : parseSessionRecord(rawSession);
    if (!session || session.at < feed.distrustBefore) return undefined;
    return { tokenVersion: version.version, session: session.state };
  };

  /** Records the auth service's answer where it is missing (never over a record the auth service wrote since). */
  const fill = async (query: SessionQuery, state: SessionState, at: number) => {
    const writes: Promise<void>[] = [];
    if (state.tokenVersion !== null) {
      const record = encodeTokenVersionRecord({ version: state.tokenVersion, at });
      writes.push(kv.set(revocationKeys.tokenVersion(query.userId), record, { ttlMs: FILL_TTL_MS, ifAbsent: true }));
    }
    if (query.sessionId !== undefined && state.session !== undefined) {
      const ttlMs = state.session === 'ended' ? Math.max(FILL_TTL_MS, query.expiresAt - at + FILL_TTL_MS) : FILL_TTL_MS;
      const record = encodeSessionRecord({ state: state.session, at });
      writes.push(kv.set(revocationKeys.session(query.sessionId), record, { ttlMs, ifAbsent: true }));
    }
    await Promise.all(writes).catch((err: unknown) => logger.debug('session record fill failed', { error: errorMessage(err) }));
  };

  const read = async (query: SessionQuery): Promise<SessionState> => {
    const epoch = feed.epoch;
    const at = now();
    let state: SessionState | undefined;
    let kvUp = true;
    try {
      state = await fromKv(query);
    } catch (err) {
      kvUp = false;
      logger.debug('session records unavailable, asking the auth service', { error: errorMessage(err) });
    }
    if (!state) {
      state = await options.check(query.userId, query.sessionId);
      if (kvUp) await fill(query, state, at);
    }
    if (feed.live && feed.epoch === epoch) {
      if (state.tokenVersion !== null) learnVersion(query.userId, state.tokenVersion, READ_MEMORY_MS);
      if (query.sessionId !== undefined && state.session !== undefined) learnSession(query.sessionId, state.session, READ_MEMORY_MS);
      // What memory says now includes anything the feed told meanwhile (refusals win).
      return fromMemory(query) ?? state;
    }
    return state;
  };

  return {
    async state(query) {
      if (feed.live && !query.privileged) {
        const known = fromMemory(query);
        if (known) return known;
      }
      const id = `${query.userId}\u0000${query.sessionId ?? ''}\u0000${query.privileged}`;
      let pending = inflight.get(id);
      if (!pending) {
        pending = read(query).finally(() => inflight.delete(id));
        inflight.set(id, pending);
      }
      return pending;
    },
    apply(revocation) {
      if (revocation.type === 'session') learnSession(revocation.sessionId, 'ended', TOLD_MEMORY_MS);
      else if (revocation.type === 'user') learnVersion(revocation.userId, revocation.tokenVersion, TOLD_MEMORY_MS);
    },
    dropMemory() {
      versions.clear();
      sessions.clear();
    },
  };
}
