import type { Role } from '../../../lib/auth/types.ts';
import { ApiError } from '../../../lib/errors/api-error.ts';
import type { AuthDeps } from '../deps.ts';
import type { Revocation } from '../../../lib/auth/revocation.ts';
import { revocationsFor } from '../revocations/publisher.ts';
import { generateApiKey } from '../../../lib/auth/api-key-format.ts';
import { effectiveRoles, isKeyActive } from './key-state.ts';

/** Longest grace a rotated key may keep working: 7 days. */
export const MAX_ROTATION_GRACE_S = 7 * 24 * 3600;
export const DEFAULT_ROTATION_GRACE_S = 3600;

type Timestamp = Date | string | null;

export interface ApiKeyRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  roles: string[] | null;
  expires_at: Timestamp;
  revoked_at: Timestamp;
  last_used_at: Timestamp;
  created_at: Timestamp;
  rotated_from: string | null;
  grace_until: Timestamp;
}

/** What callers may see of a key: never the secret, never its hash. */
export interface ApiKeyInfo {
  id: string;
  user_id: string;
  name: string;
  /** `gaia_<env>_` and the first 4 random characters, to recognise the key. */
  prefix: string;
  /** The key's scopes; null = all of the owner's roles. */
  roles: Role[] | null;
  /** `rotating` = replaced by a newer key but still accepted until `grace_until`. */
  status: 'active' | 'expired' | 'rotating';
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
  rotated_from: string | null;
  grace_until: string | null;
}

const COLUMNS =
  'id, user_id, name, prefix, key_hash, roles, expires_at, revoked_at, last_used_at, created_at, rotated_from, grace_until';

const iso = (value: Timestamp) => (value === null ? null : new Date(value).toISOString());

/** A stored row as {@link ApiKeyInfo} at `now` (ms). */
export function toKeyInfo(row: ApiKeyRow, now: number): ApiKeyInfo {
  const expired = row.expires_at !== null && new Date(row.expires_at).getTime() <= now;
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    prefix: row.prefix,
    roles: row.roles === null ? null : effectiveRoles(row.roles, null),
    status: expired ? 'expired' : row.grace_until !== null ? 'rotating' : 'active',
    expires_at: iso(row.expires_at),
    last_used_at: iso(row.last_used_at),
    created_at: iso(row.created_at)!,
    rotated_from: row.rotated_from,
    grace_until: iso(row.grace_until),
  };
}

/**
 * Tells gateways to drop what they cached of these keys: `revoked` keys are refused (with the tokens exchanged for
 * them), `changed` ones verified again (a rotated key in its grace, a key whose owner's roles changed).
 */
function announceKeys(deps: AuthDeps, keys: readonly { key_hash: string; id: string }[], reason: 'revoked' | 'changed'): Promise<void> {
  const revocations: Revocation[] = keys.flatMap(({ key_hash: keyHash, id }): Revocation[] =>
    reason === 'revoked'
      ? [{ type: 'api_key', keyHash, reason }, { type: 'session', sessionId: id }]
      : [{ type: 'api_key', keyHash, reason }],
  );
  return revocationsFor(deps).announce(revocations);
}

export interface NewApiKey {
  userId: string;
  name: string;
  /** Scopes; null = the owner's roles. */
  roles: Role[] | null;
  expiresAt: Date | null;
}

/**
 * Creates a key for `userId`; the secret is in the result and nowhere else. 404 when the user does not exist.
 * @example const { key, info } = await createApiKey(deps, { userId, name: 'ci', roles: null, expiresAt: null });
 */
export async function createApiKey(deps: AuthDeps, input: NewApiKey): Promise<{ key: string; info: ApiKeyInfo }> {
  const generated = await generateApiKey(deps.settings.apiKeyEnv);
  const now = deps.now();
  const [row] = await deps.db.query<ApiKeyRow>(
    `insert into auth.api_keys (user_id, name, prefix, key_hash, roles, expires_at, created_at)
     select u.id, $2, $3, $4, $5::text[], $6, $7 from auth.users u where u.id = $1
     returning ${COLUMNS}`,
    [input.userId, input.name, generated.prefix, generated.hash, input.roles, input.expiresAt, new Date(now)],
  );
  if (!row) throw new ApiError('NOT_FOUND', 'User not found');
  return { key: generated.secret, info: toKeyInfo(row, now) };
}

/**
 * The keys of `userId` that are not revoked and not past a rotation grace (expired ones included, marked so), newest first.
 * @example const keys = await listApiKeys(deps, principal.userId);
 */
export async function listApiKeys(deps: AuthDeps, userId: string): Promise<ApiKeyInfo[]> {
  const now = deps.now();
  const rows = await deps.db.query<ApiKeyRow>(
    `select ${COLUMNS} from auth.api_keys
      where user_id = $1 and revoked_at is null and (grace_until is null or grace_until > $2)
      order by created_at desc, id`,
    [userId, new Date(now)],
  );
  return rows.map((row) => toKeyInfo(row, now));
}

/** Who acts on a key: its owner, or (for revocation) someone holding `auth:admin`. */
export interface KeyActor {
  userId: string;
  isAdmin: boolean;
  /** Only a super_admin may revoke a super_admin's keys (the hierarchy of `setUserRoles`). */
  isSuperAdmin: boolean;
}

/**
 * Revokes a key (kept for audit, refused from now on) and tells gateways to drop it and the tokens exchanged for
 * it (`api-key-login`) from their caches. 404 for unknown, already revoked, or — unless the actor is an admin —
 * someone else's key; 403 for an admin revoking a super_admin's key without being one.
 * @example await revokeApiKey(deps, id, { userId, isAdmin: can(principal, 'auth:admin'), isSuperAdmin: false });
 */
export async function revokeApiKey(deps: AuthDeps, keyId: string, actor: KeyActor): Promise<void> {
  const row = await deps.db.transaction(async (tx) => {
    const [key] = await tx.query<{ id: string; key_hash: string; user_id: string; owner_is_super: boolean }>(
      `select k.id, k.key_hash, k.user_id,
              exists (select 1 from auth.user_roles r where r.user_id = k.user_id and r.role = 'super_admin') as owner_is_super
         from auth.api_keys k
        where k.id = $1 and k.revoked_at is null and ($2::uuid is null or k.user_id = $2::uuid)
          for update of k`,
      [keyId, actor.isAdmin ? null : actor.userId],
    );
    if (!key) throw new ApiError('NOT_FOUND', 'API key not found');
    if (key.owner_is_super && key.user_id !== actor.userId && !actor.isSuperAdmin) {
      throw new ApiError('FORBIDDEN', "Only a super_admin may revoke a super_admin's API keys");
    }
    await tx.query('update auth.api_keys set revoked_at = $2 where id = $1', [key.id, new Date(deps.now())]);
    return key;
  });
  await announceKeys(deps, [row], 'revoked');
}

/**
 * Replaces the actor's own key with a new one (same name, scopes and expiry); the old key keeps working for
 * `graceS` seconds. Only the owner may rotate (the new secret authenticates as the owner), so another user's key is
 * a 404 even for admins. 409 for a key that expired or was already rotated.
 * @example const { key, info, previous } = await rotateApiKey(deps, id, principal.userId, 3600);
 */
export async function rotateApiKey(
  deps: AuthDeps,
  keyId: string,
  ownerId: string,
  graceS: number,
): Promise<{ key: string; info: ApiKeyInfo; previous: ApiKeyInfo }> {
  const generated = await generateApiKey(deps.settings.apiKeyEnv);
  const now = deps.now();
  const result = await deps.db.transaction(async (tx) => {
    const [old] = await tx.query<ApiKeyRow>(
      `select ${COLUMNS} from auth.api_keys where id = $1 and user_id = $2 and revoked_at is null for update`,
      [keyId, ownerId],
    );
    if (!old) throw new ApiError('NOT_FOUND', 'API key not found');
    if (old.grace_until !== null) throw new ApiError('CONFLICT', 'API key was already rotated; rotate its replacement');
    if (!isKeyActive(old, now)) throw new ApiError('CONFLICT', 'API key has expired; create a new one');
    const [created] = await tx.query<ApiKeyRow>(
      `insert into auth.api_keys (user_id, name, prefix, key_hash, roles, expires_at, created_at, rotated_from)
       values ($1, $2, $3, $4, $5::text[], $6, $7, $8) returning ${COLUMNS}`,
      [old.user_id, old.name, generated.prefix, generated.hash, old.roles, old.expires_at, new Date(now), old.id],
    );
    const [previous] = await tx.query<ApiKeyRow>(
      `update auth.api_keys set grace_until = $2 where id = $1 returning ${COLUMNS}`,
      [old.id, new Date(now + graceS * 1000)],
    );
    return { created: created!, previous: previous! };
  });
  await announceKeys(deps, [result.previous], 'changed');
  return { key: generated.secret, info: toKeyInfo(result.created, now), previous: toKeyInfo(result.previous, now) };
}

/**
 * The revocations that make gateways re-verify every live key of `userId` (after its roles changed).
 * @example await revocationsFor(deps).announce([...(await userKeyRevocations(deps, userId)), versionChange]);
 */
export async function userKeyRevocations(deps: AuthDeps, userId: string): Promise<Revocation[]> {
  const rows = await deps.db.query<{ key_hash: string }>(
    'select key_hash from auth.api_keys where user_id = $1 and revoked_at is null',
    [userId],
  );
  return rows.map((row) => ({ type: 'api_key', keyHash: row.key_hash, reason: 'changed' }));
}
