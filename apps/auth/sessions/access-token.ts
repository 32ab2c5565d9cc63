import type { Role } from '../../../lib/auth/types.ts';
import { signToken } from '../../../lib/auth/tokens.ts';
import type { AuthDeps } from '../deps.ts';
import { keyStoreFor } from '../keys/key-store.ts';

/** `aud` (and `role`) of every token we issue to users, as Supabase and GAIA clients expect. */
export const ACCESS_TOKEN_AUDIENCE = 'authenticated';
/** The `typ` header of our access tokens (RFC 9068), so no other platform JWT passes as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface AccessTokenSubject {
  userId: string;
  email: string | null;
  roles: readonly Role[];
  /** The `user_metadata` claim. */
  userMetadata: Record<string, unknown>;
  /** The session (refresh-token family) the token belongs to: the `sid` claim, which logout uses. */
  sessionId?: string;
}

export interface IssuedAccessToken {
  token: string;
  /** Seconds: the `expires_in` of GAIA's responses. */
  expiresIn: number;
  /** Unix seconds: `exp`. */
  expiresAt: number;
}

/**
 * Signs an access token with the current key: header `typ: at+jwt`; claims `iss` (settings.issuer), `sub` and
 * `user_id` (the user id), `aud` and `role` (`authenticated`), `email`, `roles`, `user_metadata`, `sid` when there is
 * a session, `iat`/`nbf`/`exp` (`exp = iat + settings.accessTokenTtlS`) and `jti`.
 * @example const { token, expiresIn } = await issueAccessToken(deps, { userId, email, roles, userMetadata: {}, sessionId });
 */
export async function issueAccessToken(deps: AuthDeps, subject: AccessTokenSubject): Promise<IssuedAccessToken> {
  const now = deps.now();
  const ttlSeconds = deps.settings.accessTokenTtlS;
  const claims: Record<string, unknown> = {
    email: subject.email,
    user_id: subject.userId,
    role: ACCESS_TOKEN_AUDIENCE,
    roles: [...subject.roles],
    user_metadata: subject.userMetadata,
    ...(subject.sessionId === undefined ? {} : { sid: subject.sessionId }),
  };
  const token = await signToken(await keyStoreFor(deps).signingKey(), claims, {
    issuer: deps.settings.issuer,
    audience: ACCESS_TOKEN_AUDIENCE,
    subject: subject.userId,
    ttlSeconds,
    type: ACCESS_TOKEN_TYPE,
    now,
  });
  return { token, expiresIn: ttlSeconds, expiresAt: Math.floor(now / 1000) + ttlSeconds };
}
