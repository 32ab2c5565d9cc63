import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE, type Role } from '../../../lib/auth/types.ts';
import { signToken } from '../../../lib/auth/tokens.ts';
import type { AuthDeps } from '../deps.ts';
import { keyStoreFor } from '../keys/key-store.ts';

export interface AccessTokenSubject {
  userId: string;
  email: string | null;
  roles: readonly Role[];
  /** The `user_metadata` claim. */
  userMetadata: Record<string, unknown>;
  /** The user's token version (`tv`): gateways refuse a token once the user's version moved past it. */
  tokenVersion: number;
  /**
   * The session the token belongs to (`sid`): a refresh-token family (logout ends it), or the API key it was
   * exchanged for (revoking the key ends it). Gateways refuse tokens of ended sessions.
   */
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
 * `user_id` (the user id), `aud` and `role` (`authenticated`), `email`, `roles`, `user_metadata`, `tv` (the user's
 * token version), `sid` when there is a session, `iat`/`nbf`/`exp` (`exp = iat + settings.accessTokenTtlS`) and `jti`.
 * @example const { token, expiresIn } = await issueAccessToken(deps, { userId, email, roles, tokenVersion, userMetadata: {}, sessionId });
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
    tv: subject.tokenVersion,
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
