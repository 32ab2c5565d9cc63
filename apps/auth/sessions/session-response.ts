import type { AuthDeps } from '../deps.ts';
import type { UserAccessClaims } from '../users/roles.ts';
import type { User } from '../users/user.ts';
import { ACCESS_TOKEN_AUDIENCE } from '../../../lib/auth/types.ts';
import { issueAccessToken } from './access-token.ts';
import type { IssuedRefreshToken } from './refresh-tokens.ts';

/** A user as GAIA clients read it: Supabase's `User` shape (GAIA-API §10). */
export interface GaiaUser {
  id: string;
  email: string;
  aud: string;
  role: string;
  app_metadata: { provider: string };
  user_metadata: Record<string, unknown>;
  email_confirmed_at: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Supabase's `Session`. */
export interface GaiaSession {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  user: GaiaUser;
}

/** Login and refresh answer Supabase's `AuthResponse` plus top-level copies of the tokens (GAIA-API §10). */
export interface GaiaSessionResponse {
  user: GaiaUser;
  session: GaiaSession;
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

/**
 * A user in GAIA's wire shape (never the password hash).
 * @example c.json({ message: 'Email confirmed successfully', user: toGaiaUser(user) }, 200);
 */
export function toGaiaUser(user: User): GaiaUser {
  return {
    id: user.id,
    email: user.email,
    aud: ACCESS_TOKEN_AUDIENCE,
    role: ACCESS_TOKEN_AUDIENCE,
    app_metadata: { provider: user.provider },
    user_metadata: user.userMetadata,
    email_confirmed_at: iso(user.emailConfirmedAt),
    last_sign_in_at: iso(user.lastSignInAt),
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

/**
 * Signs an access token for the session `refresh` belongs to, with `access` (the user's roles and token version
 * as read together: `accessOf`), and builds GAIA's session response around it.
 * @example return c.json(await sessionResponse(deps, user, access, await startRefreshFamily(deps, user.id)), 200);
 */
export async function sessionResponse(
  deps: AuthDeps,
  user: User,
  access: UserAccessClaims,
  refresh: IssuedRefreshToken,
): Promise<GaiaSessionResponse> {
  const issued = await issueAccessToken(deps, {
    userId: user.id,
    email: user.email,
    roles: access.roles,
    tokenVersion: access.tokenVersion,
    userMetadata: user.userMetadata,
    sessionId: refresh.familyId,
  });
  const gaiaUser = toGaiaUser(user);
  const tokens = {
    access_token: issued.token,
    refresh_token: refresh.token,
    token_type: 'bearer' as const,
    expires_in: issued.expiresIn,
  };
  return { user: gaiaUser, session: { ...tokens, expires_at: issued.expiresAt, user: gaiaUser }, ...tokens };
}
