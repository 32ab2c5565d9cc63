import { isUuid } from '../db/uuid.ts';

/**
 * The revocation contract between the auth service (which decides) and the gateways (which cache): one pub/sub
 * channel, the KV records behind it, and their encodings. Every record is a cache of what the auth database says,
 * so a lost or expired record is filled again from the auth service, never read as "all is well".
 */

/** Every credential change gateways must act on at once is published here (JSON, see {@link Revocation}). */
export const REVOCATIONS_CHANNEL = 'gaia:auth:revocations';

export type Revocation =
  /**
   * A key stopped being valid as cached: `revoked` (revoked, or rotated: the old secret's grace is its own record)
   * or `changed` (its owner's roles changed): re-verify it.
   */
  | { type: 'api_key'; keyHash: string; reason: 'revoked' | 'changed' }
  /** A session ended (logout, refresh-token reuse, or the API key its exchanged tokens came from was revoked). */
  | { type: 'session'; sessionId: string }
  /** The user's tokens issued before `tokenVersion` are outdated (their roles changed). */
  | { type: 'user'; userId: string; tokenVersion: number };

/** KV keys of the records. */
export const revocationKeys = {
  /**
   * A gateway's cached verification of the API key with this SHA-256 (written only if absent); on a revocation the
   * auth service replaces it with a marker for {@link API_KEY_MARKER_TTL_MS}, so no verification in flight can put a
   * stale verdict back.
   */
  apiKey: (keyHash: string) => `gw:apikey:${keyHash}`,
  /** {@link SessionRecord} of a session id (a refresh-token family, or the API key behind an exchanged token). */
  session: (sessionId: string) => `auth:session:${sessionId}`,
  /** {@link TokenVersionRecord} of a user. */
  tokenVersion: (userId: string) => `auth:token-version:${userId}`,
} as const;

/**
 * Published on {@link REVOCATIONS_CHANNEL} by every auth instance every second: a gateway trusts what it keeps in
 * memory only while it hears these, so a subscription that died without telling (a half-open connection, a stalled
 * stream) is noticed within seconds.
 */
export const HEARTBEAT_MESSAGE = '{"type":"heartbeat"}';

/** Whether a message of {@link REVOCATIONS_CHANNEL} is the heartbeat. */
export const isHeartbeat = (message: string): boolean => message === HEARTBEAT_MESSAGE;

/** How long the marker replacing a revoked (or changed) key's cached verification lives: past any verification in flight. */
export const API_KEY_MARKER_TTL_MS = 15_000;

/** The auth service's marker over a key's cached verification: refused (`revoked`), or to be verified again. */
export interface ApiKeyMarker {
  revoked: boolean;
  at: number;
}

/** @example await kv.set(revocationKeys.apiKey(hash), encodeApiKeyMarker({ revoked: true, at: Date.now() }), { ttlMs: API_KEY_MARKER_TTL_MS }); */
export const encodeApiKeyMarker = (marker: ApiKeyMarker): string => JSON.stringify({ m: marker.revoked ? 'revoked' : 'changed', at: marker.at });

/** The marker, or `undefined` when `raw` is not one (a gateway's verdict, or garbage). */
export function parseApiKeyMarker(raw: string): ApiKeyMarker | undefined {
  const value = parseObject(raw);
  if (!value || !isTime(value.at) || (value.m !== 'revoked' && value.m !== 'changed')) return undefined;
  return { revoked: value.m === 'revoked', at: value.at };
}

/** What `POST /internal/sessions/check` answers: the auth database's view of a user and one of its sessions. */
export interface SessionState {
  /** The version the user's tokens must carry at least; `null` when there is no such user. */
  tokenVersion: number | null;
  /** The session's state; absent when no session was asked about. */
  session?: 'active' | 'ended';
}

/** Whether a session still stands, and when that was read from the auth database (ms since the epoch). */
export interface SessionRecord {
  state: 'active' | 'ended';
  at: number;
}

/** The version a user's access tokens must carry (claim `tv`) at least, and when that was read. */
export interface TokenVersionRecord {
  version: number;
  at: number;
}

const HASH = /^[0-9a-f]{64}$/;
/** A token version: a non-negative integer. */
export const isTokenVersion = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A message of {@link REVOCATIONS_CHANNEL}, or `undefined` when it is not one (never trust a channel blindly).
 * @example const revocation = parseRevocation(message); if (revocation?.type === 'session') forget(revocation.sessionId);
 */
export function parseRevocation(message: string): Revocation | undefined {
  const value = parseObject(message);
  if (!value) return undefined;
  if (value.type === 'api_key' && typeof value.keyHash === 'string' && HASH.test(value.keyHash)) {
    return { type: 'api_key', keyHash: value.keyHash, reason: value.reason === 'changed' ? 'changed' : 'revoked' };
  }
  if (value.type === 'session' && typeof value.sessionId === 'string' && isUuid(value.sessionId)) {
    return { type: 'session', sessionId: value.sessionId };
  }
  if (value.type === 'user' && typeof value.userId === 'string' && isUuid(value.userId) && isTokenVersion(value.tokenVersion)) {
    return { type: 'user', userId: value.userId, tokenVersion: value.tokenVersion };
  }
  return undefined;
}

/** @example await kv.set(revocationKeys.session(id), encodeSessionRecord({ state: 'ended', at: Date.now() })); */
export const encodeSessionRecord = (record: SessionRecord): string => JSON.stringify({ s: record.state, at: record.at });

/** The record, or `undefined` for anything else. */
export function parseSessionRecord(raw: string): SessionRecord | undefined {
  const value = parseObject(raw);
  if (!value || !isTime(value.at) || (value.s !== 'active' && value.s !== 'ended')) return undefined;
  return { state: value.s, at: value.at };
}

/** @example await kv.set(revocationKeys.tokenVersion(userId), encodeTokenVersionRecord({ version: 3, at: Date.now() })); */
export const encodeTokenVersionRecord = (record: TokenVersionRecord): string => JSON.stringify({ v: record.version, at: record.at });

/** The record, or `undefined` for anything else. */
export function parseTokenVersionRecord(raw: string): TokenVersionRecord | undefined {
  const value = parseObject(raw);
  if (!value || !isTime(value.at) || !isTokenVersion(value.v)) return undefined;
  return { version: value.v, at: value.at };
}
