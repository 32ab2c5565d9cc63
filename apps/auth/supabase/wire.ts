import type { Session, User } from '@supabase/supabase-js';
import { ACCESS_TOKEN_AUDIENCE } from '../../../lib/auth/types.ts';
import type { GaiaSession, GaiaSessionResponse, GaiaUser } from '../sessions/session-response.ts';

/**
 * A Supabase user in GAIA's wire shape: the same ten keys the built-in backend answers (Supabase's extra fields such
 * as `identities` or `phone` are dropped); timestamps pass through as Supabase wrote them.
 * @example const user = gaiaUserOf(data.user);
 */
export function gaiaUserOf(user: User): GaiaUser {
  return {
    id: user.id,
    email: user.email ?? '',
    aud: user.aud || ACCESS_TOKEN_AUDIENCE,
    role: user.role || ACCESS_TOKEN_AUDIENCE,
    app_metadata: { ...user.app_metadata, provider: user.app_metadata?.provider ?? 'email' },
    user_metadata: user.user_metadata ?? {},
    email_confirmed_at: user.email_confirmed_at ?? null,
    last_sign_in_at: user.last_sign_in_at ?? null,
    created_at: user.created_at,
    updated_at: user.updated_at ?? user.created_at,
  };
}

/**
 * A Supabase session as GAIA's `session` object.
 * @example return { user: gaiaUserOf(data.user), session: data.session ? gaiaSessionOf(data.session) : null };
 */
export function gaiaSessionOf(session: Session): GaiaSession {
  return {
    access_token: session.access_token,
    refresh_token: session.refresh_token,
    token_type: 'bearer',
    expires_in: session.expires_in,
    expires_at: session.expires_at ?? Math.floor(Date.now() / 1000) + session.expires_in,
    user: gaiaUserOf(session.user),
  };
}

/**
 * GAIA's session response (login, refresh) for a Supabase session: `{user, session}` plus top-level token copies.
 * @example return gaiaSessionResponseOf(data.session);
 */
export function gaiaSessionResponseOf(session: Session): GaiaSessionResponse {
  const gaia = gaiaSessionOf(session);
  return {
    user: gaia.user,
    session: gaia,
    access_token: gaia.access_token,
    refresh_token: gaia.refresh_token,
    token_type: 'bearer',
    expires_in: gaia.expires_in,
  };
}
