import type { Principal } from '../../../lib/auth/types.ts';
import type { AuthDeps } from '../deps.ts';
import { hashApiKey, isApiKeyShape, timingSafeEqual } from '../../../lib/auth/api-key-format.ts';
import { effectiveRoles, isKeyActive } from './key-state.ts';
import { recordKeyUse } from './usage.ts';

interface KeyRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  key_hash: string;
  roles: string[] | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  grace_until: Date | null;
  email: string | null;
  owner_roles: string[];
  token_version: number;
}

/** A verified key: its principal, its id, its owner's token version read with the roles, and when it stops working. */
export interface VerifiedKey {
  principal: Principal;
  keyId: string;
  tokenVersion: number;
  /** When the key expires or its rotation grace ends (ms since the epoch); `null` when neither is set. */
  validUntil: number | null;
}

/**
 * Checks an API key: looks its SHA-256 up, refuses revoked, expired and rotated-past-grace keys, and answers the
 * owner as an `api_key` principal with the owner's roles ∩ the key's scopes. Resolves `null` for any key that does
 * not authenticate (never says why, so callers can't probe). The use is remembered in memory and written by
 * `flushKeyUsage` — a verification never writes to the database.
 * @example const principal = await verifyApiKey(deps, c.req.header('x-api-key') ?? '');
 */
export async function verifyApiKey(deps: AuthDeps, secret: string): Promise<Principal | null> {
  return (await verifyApiKeyAccess(deps, secret))?.principal ?? null;
}

/**
 * {@link verifyApiKey} with the owner's token version, read in the same statement as the roles (what a token
 * exchanged for the key carries).
 * @example const verified = await verifyApiKeyAccess(deps, key); if (verified) issue(verified.principal, verified.tokenVersion);
 */
export async function verifyApiKeyAccess(deps: AuthDeps, secret: string): Promise<VerifiedKey | null> {
  if (typeof secret !== 'string' || !isApiKeyShape(secret)) return null;
  const hash = await hashApiKey(secret);
  const [row] = await deps.db.query<KeyRow>(
    `select k.id, k.user_id, k.key_hash, k.roles, k.expires_at, k.revoked_at, k.grace_until, u.email, u.token_version,
            coalesce((select array_agg(r.role::text) from auth.user_roles r where r.user_id = k.user_id), '{}') as owner_roles
       from auth.api_keys k join auth.users u on u.id = k.user_id
      where k.key_hash = $1`,
    [hash],
  );
  if (!row || !timingSafeEqual(row.key_hash, hash)) return null;
  const now = deps.now();
  if (!isKeyActive(row, now)) return null;
  recordKeyUse(deps, row.id, now);
  const principal: Principal = {
    userId: row.user_id,
    email: row.email,
    roles: effectiveRoles(row.owner_roles, row.roles),
    authType: 'api_key',
    keyId: row.id,
  };
  const ends = [row.expires_at, row.grace_until].filter((t) => t !== null).map((t) => new Date(t).getTime());
  return { principal, keyId: row.id, tokenVersion: row.token_version, validUntil: ends.length > 0 ? Math.min(...ends) : null };
}
