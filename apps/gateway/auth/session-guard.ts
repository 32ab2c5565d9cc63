import {
  encodeSessionRecord,
  encodeTokenVersionRecord,
  parseSessionRecord,
  parseTokenVersionRecord,
  type Revocation,
  revocationKeys,
  type SessionState,
} from '../../../lib/auth/revocation.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { RevocationFeed } from './revocation-feed.ts';

export interface SessionGuardOptions {
  kv: Kv;
  feed: RevocationFeed;
  logger: Logger;
  /** `POST /internal/sessions/check` on the auth service; throws `CredentialStoreError` when it cannot answer. */
  check: (userId: string, sessionId: string | undefined) => Promise<SessionState>;
  /**
   * How long a fill (a record written from the auth service's answer) lives. Default 5 minutes; shorter when the KV
   * is this process's own memory and the auth service runs elsewhere (no revocation can overwrite it).
   */
  fillTtlMs?: number;
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
/**
 * KV fills (cache records written from the auth service's answer, only where none is) live this long. Safe to keep:
 * every revocation overwrites its record, so a fill only says what holds until then.
 */
const DEFAULT_FILL_TTL_MS = 5 * 60_000;

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Whether a token's session still stands and its user's roles have not changed since it was issued, checked by the
 * gateway for every request with a JWT. Three levels: memory (only while the revocation feed is live, and never for
 * privileged callers), the KV records the auth service writes on every revocation (`auth:session:<sid>`,
 * `auth:token-version:<user>`), and the auth service itself when a record is missing, older than the feed's last
 * gap (until the auth service confirmed it), or the KV is down — so a lost Redis never turns "unknown" into "fine".
 * Memory only moves towards refusal: an ended session stays ended and a version only grows, whatever order reads and
 * messages arrive in.
 * @example const { tokenVersion, session } = await guard.state({ userId, sessionId, privileged, expiresAt });
 */
export function createSessionGuard(options: SessionGuardOptions): SessionGuard {
  const { kv, feed, logger } = options;
  const now = options.now ?? Date.now;
  const fillTtlMs = options.fillTtlMs ?? DEFAULT_FILL_TTL_MS;
  const versions = new TtlCache<string, number>(20_000, now);
  const sessions = new TtlCache<string, 'active' | 'ended'>(20_000, now);
  /**
   * KV records older than the feed's last gap that the auth service confirmed since (record key + its raw text):
   * trusted again as they are, so a gap costs one check per record instead of one per request until they expire.
   */
  const confirmed = new TtlCache<string, true>(20_000, now);
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

  /** Whether a KV record may be used as it is: written after the feed's last gap, or confirmed since. */
  const trusted = (key: string, raw: string, at: number) => at >= feed.distrustBefore || confirmed.get(`${key}\u0000${raw}`) === true;

  /** The KV's view, or `undefined` when a record is missing or not to be trusted; `suspect` lists records to confirm. */
  const fromKv = async (query: SessionQuery, suspect: [string, string][]): Promise<SessionState | undefined> => {
    const versionKey = revocationKeys.tokenVersion(query.userId);
    const sessionKey = query.sessionId === undefined ? undefined : revocationKeys.session(query.sessionId);
    const [rawVersion, rawSession] = await Promise.all([kv.get(versionKey), sessionKey === undefined ? null : kv.get(sessionKey)]);
    const version = rawVersion === null ? undefined : parseTokenVersionRecord(rawVersion);
    const session = rawSession === null ? undefined : parseSessionRecord(rawSession);
    let usable = true;
    if (!version) usable = false;
    else if (!trusted(versionKey, rawVersion!, version.at)) {
      suspect.push([versionKey, rawVersion!]);
      usable = false;
    }
    if (sessionKey !== undefined) {
      if (!session) usable = false;
      else if (!trusted(sessionKey, rawSession!, session.at)) {
        suspect.push([sessionKey, rawSession!]);
        usable = false;
      }
    }
    if (!usable || !version) return undefined;
    return sessionKey === undefined || !session ? { tokenVersion: version.version } : { tokenVersion: version.version, session: session.state };
  };

  /** Marks as confirmed the suspect records that say what the auth service just said. */
  const confirm = (query: SessionQuery, state: SessionState, suspect: [string, string][]) => {
    for (const [key, raw] of suspect) {
      const agrees =
        key === revocationKeys.tokenVersion(query.userId)
          ? parseTokenVersionRecord(raw)?.version === state.tokenVersion
          : parseSessionRecord(raw)?.state === state.session;
      if (agrees) confirmed.set(`${key}\u0000${raw}`, true, fillTtlMs);
    }
  };

  /** Records the auth service's answer where it is missing (never over a record the auth service wrote since). */
  const fill = async (query: SessionQuery, state: SessionState, at: number) => {
    const writes: Promise<void>[] = [];
    if (state.tokenVersion !== null) {
      const record = encodeTokenVersionRecord({ version: state.tokenVersion, at });
      writes.push(kv.set(revocationKeys.tokenVersion(query.userId), record, { ttlMs: fillTtlMs, ifAbsent: true }));
    }
    if (query.sessionId !== undefined && state.session !== undefined) {
      const ttlMs = state.session === 'ended' ? Math.max(fillTtlMs, query.expiresAt - at + fillTtlMs) : fillTtlMs;
      const record = encodeSessionRecord({ state: state.session, at });
      writes.push(kv.set(revocationKeys.session(query.sessionId), record, { ttlMs, ifAbsent: true }));
    }
    await Promise.all(writes).catch((err: unknown) => logger.debug('session record fill failed', { error: errorMessage(err) }));
  };

  const read = async (query: SessionQuery): Promise<SessionState> => {
    const epoch = feed.epoch;
    const at = now();
    const suspect: [string, string][] = [];
    let state: SessionState | undefined;
    let kvUp = true;
    try {
      state = await fromKv(query, suspect);
    } catch (err) {
      kvUp = false;
      logger.debug('session records unavailable, asking the auth service', { error: errorMessage(err) });
    }
    if (!state) {
      state = await options.check(query.userId, query.sessionId);
      if (kvUp) await fill(query, state, at);
      if (feed.epoch === epoch) confirm(query, state, suspect);
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
      confirmed.clear();
    },
  };
}
