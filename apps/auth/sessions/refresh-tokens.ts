import type { SqlRunner } from '../../../lib/db/types.ts';
import type { AuthDeps } from '../deps.ts';
import { isKeyActive } from '../api-keys/key-state.ts';
import { revocationsFor } from '../revocations/publisher.ts';
import { randomSecret, sha256Hex } from './secret-token.ts';

/** Why a refresh token was refused. */
export type RefreshFailure = 'not_found' | 'revoked' | 'expired' | 'reused';

/** A refresh that failed; `message` is the `<reason>` of GAIA's `Token refresh failed: <reason>`. */
export class RefreshTokenError extends Error {
  readonly reason: RefreshFailure;

  constructor(reason: RefreshFailure) {
    super(REFRESH_FAILURE_MESSAGES[reason]);
    this.name = 'RefreshTokenError';
    this.reason = reason;
  }
}

/** Supabase's wording, which GAIA clients have seen. */
const REFRESH_FAILURE_MESSAGES: Record<RefreshFailure, string> = {
  not_found: 'Invalid Refresh Token: Refresh Token Not Found',
  revoked: 'Invalid Refresh Token: Refresh Token Revoked',
  expired: 'Invalid Refresh Token: Refresh Token Expired',
  reused: 'Invalid Refresh Token: Already Used',
};

export interface IssuedRefreshToken {
  /** The secret for the client; only its SHA-256 is stored. */
  token: string;
  /** The session: every token rotated from the same login shares it. */
  familyId: string;
  userId: string;
  expiresAt: Date;
}

interface TokenRow {
  id: string;
  user_id: string;
  family_id: string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
  replaced_by: string | null;
  [column: string]: unknown;
}

async function insertToken(db: SqlRunner, deps: AuthDeps, userId: string, familyId: string): Promise<IssuedRefreshToken & { id: string }> {
  const token = randomSecret();
  const now = deps.now();
  const expiresAt = new Date(now + deps.settings.refreshTokenTtlS * 1000);
  const [row] = await db.query<{ id: string }>(
    `insert into auth.refresh_tokens (user_id, family_id, token_hash, created_at, expires_at)
     values ($1, $2, $3, $4, $5) returning id`,
    [userId, familyId, await sha256Hex(token), new Date(now), expiresAt],
  );
  return { id: row!.id, token, familyId, userId, expiresAt };
}

/**
 * Starts a session for a user: a new refresh-token family and its first token (valid `settings.refreshTokenTtlS`).
 * @example const { token, familyId } = await startRefreshFamily(deps, user.id);
 */
export async function startRefreshFamily(deps: AuthDeps, userId: string): Promise<IssuedRefreshToken> {
  const { id: _id, ...issued } = await insertToken(deps.db, deps, userId, crypto.randomUUID());
  return issued;
}

const revokeFamilySql = 'update auth.refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null';

/**
 * Rotates a refresh token: the presented token is revoked (`replaced_by` the new one) and a new token of the same
 * family is returned, valid for a fresh `refreshTokenTtlS`. Presenting a token that was already rotated is treated
 * as theft: the whole family (the session) is revoked, the legitimate holder included. Throws
 * {@link RefreshTokenError}.
 * @example const next = await rotateRefreshToken(deps, body.refresh_token);
 */
export async function rotateRefreshToken(deps: AuthDeps, token: string): Promise<IssuedRefreshToken> {
  const hash = await sha256Hex(token);
  type Refused = { failure: RefreshFailure; familyId?: string; userId?: string };
  const outcome = await deps.db.transaction(async (tx): Promise<IssuedRefreshToken | Refused> => {
    const [row] = await tx.query<TokenRow>(
      `select id, user_id, family_id, expires_at, revoked_at, replaced_by from auth.refresh_tokens
        where token_hash = $1 for update`,
      [hash],
    );
    if (!row) return { failure: 'not_found' };
    const now = new Date(deps.now());
    if (row.revoked_at !== null) {
      if (row.replaced_by === null) return { failure: 'revoked' };
      await tx.query(revokeFamilySql, [row.family_id, now]);
      return { failure: 'reused', familyId: row.family_id, userId: row.user_id };
    }
    if (new Date(row.expires_at).getTime() <= now.getTime()) return { failure: 'expired' };
    const next = await insertToken(tx, deps, row.user_id, row.family_id);
    await tx.query('update auth.refresh_tokens set revoked_at = $2, replaced_by = $3 where id = $1', [row.id, now, next.id]);
    const { id: _id, ...issued } = next;
    return issued;
  });
  if ('failure' in outcome) {
    if (outcome.failure === 'reused' && outcome.familyId !== undefined) {
      deps.logger.warn('refresh token reused; session revoked', { sessionId: outcome.familyId, userId: outcome.userId });
      await revocationsFor(deps).announce([{ type: 'session', sessionId: outcome.familyId }]);
    }
    throw new RefreshTokenError(outcome.failure);
  }
  return outcome;
}

/**
 * Ends a session: revokes every live token of the family (with `userId`, only if the family belongs to that user)
 * and, when it was live, tells the gateways, which refuse its access tokens from then on. Resolves how many
 * refresh tokens were revoked.
 * @example await revokeRefreshFamily(deps, claims.sid, claims.sub);
 */
export async function revokeRefreshFamily(deps: AuthDeps, familyId: string, userId?: string): Promise<number> {
  const rows = await deps.db.query<{ id: string }>(
    `update auth.refresh_tokens set revoked_at = $2
      where family_id = $1 and revoked_at is null and ($3::uuid is null or user_id = $3::uuid)
      returning id`,
    [familyId, new Date(deps.now()), userId ?? null],
  );
  if (rows.length > 0) await revocationsFor(deps).announce([{ type: 'session', sessionId: familyId }]);
  return rows.length;
}

/**
 * Whether a session stands: a refresh-token family with a live token, or the API key behind an exchanged token
 * that is still usable. Read from the database: what the gateways' records of it are a cache of.
 * @example const active = await isSessionActive(deps, claims.sid, claims.sub);
 */
export async function isSessionActive(deps: AuthDeps, sessionId: string, userId: string): Promise<boolean> {
  const [row] = await deps.db.query<{ family: boolean; revoked_at: Date | null; expires_at: Date | null; grace_until: Date | null; key: boolean }>(
    `select exists (select 1 from auth.refresh_tokens t
                     where t.family_id = $1 and t.user_id = $2 and t.revoked_at is null and t.expires_at > $3) as family,
            k.id is not null as key, k.revoked_at, k.expires_at, k.grace_until
       from (select 1) as one
       left join auth.api_keys k on k.id = $1 and k.user_id = $2`,
    [sessionId, userId, new Date(deps.now())],
  );
  if (!row) return false;
  return row.family || (row.key && isKeyActive(row, deps.now()));
}

/**
 * The session a refresh token belongs to (whatever its state), or `null` for an unknown token.
 * @example const session = await findRefreshFamily(deps, body.refresh_token);
 */
export async function findRefreshFamily(deps: AuthDeps, token: string): Promise<{ familyId: string; userId: string } | null> {
  const [row] = await deps.db.query<{ family_id: string; user_id: string }>(
    'select family_id, user_id from auth.refresh_tokens where token_hash = $1',
    [await sha256Hex(token)],
  );
  return row ? { familyId: row.family_id, userId: row.user_id } : null;
}
