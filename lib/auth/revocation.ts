/**
 * The revocation contract between the auth service (which decides) and the gateways (which cache): one pub/sub
 * channel, the KV records behind it, and their encodings. Every record is a cache of what the auth database says,
 * so a lost or expired record is filled again from the auth service, never read as "all is well".
 */

/** Every credential change gateways must act on at once is published here (JSON, see {@link Revocation}). */
export const REVOCATIONS_CHANNEL = 'gaia:auth:revocations';

export type Revocation =
  /** A key stopped being valid as cached (revoked, rotated, or its owner's roles changed): re-verify it. */
  | { type: 'api_key'; keyHash: string }
  /** A session ended (logout, refresh-token reuse, or the API key its exchanged tokens came from was revoked). */
  | { type: 'session'; sessionId: string }
  /** The user's tokens issued before `tokenVersion` are outdated (their roles changed). */
  | { type: 'user'; userId: string; tokenVersion: number };

/** KV keys of the records. */
export const revocationKeys = {
  /** A gateway's cached verification of the API key with this SHA-256; the auth service deletes it on revocation. */
  apiKey: (keyHash: string) => `gw:apikey:${keyHash}`,
  /** {@link SessionRecord} of a session id (a refresh-token family, or the API key behind an exchanged token). */
  session: (sessionId: string) => `auth:session:${sessionId}`,
  /** {@link TokenVersionRecord} of a user. */
  tokenVersion: (userId: string) => `auth:token-version:${userId}`,
} as const;

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
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isVersion = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
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
    return { type: 'api_key', keyHash: value.keyHash };
  }
  if (value.type === 'session' && typeof value.sessionId === 'string' && UUID.test(value.sessionId)) {
    return { type: 'session', sessionId: value.sessionId };
  }
  if (value.type === 'user' && typeof value.userId === 'string' && UUID.test(value.userId) && isVersion(value.tokenVersion)) {
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
  if (!value || !isTime(value.at) || !isVersion(value.v)) return undefined;
  return { version: value.v, at: value.at };
}
