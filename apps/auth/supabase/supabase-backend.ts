import { type AuthError, isAuthApiError, isAuthRetryableFetchError, isAuthSessionMissingError } from '@supabase/supabase-js';
import { GaiaError } from '../../../lib/gaia/errors.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { AuthDeps } from '../deps.ts';
import { normalizeEmail } from '../users/email.ts';
import { IDENTITY_UNAVAILABLE, type IdentityBackend, IdentityRefusal } from './backend.ts';
import { createSupabaseAuthClient, type SupabaseAuthClient } from './client.ts';
import { gaiaSessionResponseOf, gaiaSessionOf, gaiaUserOf } from './wire.ts';

export interface SupabaseBackendOptions {
  url: string;
  anonKey: string;
  logger: Logger;
  /** A fresh auth client per call; default {@link createSupabaseAuthClient}. */
  client?: () => SupabaseAuthClient;
}

const RATE_LIMIT_CODES = new Set(['over_request_rate_limit', 'over_email_send_rate_limit', 'over_sms_send_rate_limit']);

const isRateLimited = (error: AuthError) => error.status === 429 || (error.code !== undefined && RATE_LIMIT_CODES.has(error.code));

/** Supabase did not answer sensibly: network failure or timeout, a 5xx, or a body that is not GoTrue's JSON. */
const isOutage = (error: AuthError) =>
  isAuthRetryableFetchError(error) || error.name === 'AuthUnknownError' || (error.status ?? 0) >= 500;

/** What auth-js itself ignores when signing out: the session is gone already, or the token is not (or no longer) valid. */
const isEndedAlready = (error: AuthError) =>
  isAuthSessionMissingError(error) || (isAuthApiError(error) && [401, 403, 404].includes(error.status));

/**
 * The Supabase Auth identity backend: each operation is a supabase-js call with the anon key on a fresh client
 * (emails normalised), its answer mapped to GAIA's shapes and failure codes. Logout with a refresh token refreshes it
 * (to learn its session) and signs that session out (`scope: local`); with a Bearer access token it signs out the
 * token's session directly. Confirm is `verifyOtp` with `type: 'signup'`; resend-verification is `resend` with
 * `type: 'signup'`.
 * @example const backend = createSupabaseBackend({ url: SUPABASE_URL, anonKey: SUPABASE_ANON_KEY, logger });
 */
export function createSupabaseBackend(options: SupabaseBackendOptions): IdentityBackend {
  const { logger } = options;
  const client = options.client ?? (() => createSupabaseAuthClient({ url: options.url, anonKey: options.anonKey }));

  /**
   * 503 when Supabase is unreachable, or when it refused our anon key: a 401 from an endpoint that takes no user
   * credentials (`userToken: false`) is the project gateway's answer to a wrong key — our misconfiguration.
   */
  const failIfUnavailable = (error: AuthError, operation: string, userToken = false): void => {
    const keyRefused = !userToken && error.status === 401;
    if (!keyRefused && !isOutage(error)) return;
    const fields = { operation, status: error.status, code: error.code, reason: error.message };
    if (keyRefused) logger.error('Supabase Auth refused the anon key (check SUPABASE_ANON_KEY)', fields);
    else logger.warn('Supabase Auth is unavailable', fields);
    throw new GaiaError(503, IDENTITY_UNAVAILABLE);
  };

  const signOutSession = async (auth: SupabaseAuthClient, accessToken: string): Promise<void> => {
    const { error } = await auth.admin.signOut(accessToken, 'local');
    if (!error || isEndedAlready(error)) return;
    failIfUnavailable(error, 'logout', true);
    throw new IdentityRefusal(error.message);
  };

  return {
    name: 'supabase',

    async login(email, password) {
      const { data, error } = await client().signInWithPassword({ email: normalizeEmail(email), password });
      if (!error) return gaiaSessionResponseOf(data.session);
      failIfUnavailable(error, 'login');
      if (error.code === 'email_not_confirmed') return 'unconfirmed';
      if (isRateLimited(error)) throw new IdentityRefusal(error.message);
      return 'invalid_credentials';
    },

    async register(email, password) {
      const { data, error } = await client().signUp({ email: normalizeEmail(email), password });
      if (error) {
        failIfUnavailable(error, 'register');
        if (isRateLimited(error)) return 'rate_limited';
        if (error.code === 'user_already_exists' || error.code === 'email_exists') return 'email_taken';
        if (error.code === 'email_address_invalid') return 'invalid_email';
        throw new IdentityRefusal(error.message);
      }
      if (!data.user) throw new Error('Supabase signUp answered neither a user nor an error');
      // With email confirmation on, Supabase answers a confirmed address with a look-alike user without identities.
      if (data.user.identities?.length === 0) return 'email_taken';
      return { user: gaiaUserOf(data.user), session: data.session ? gaiaSessionOf(data.session) : null };
    },

    async refresh(refreshToken) {
      const { data, error } = await client().refreshSession({ refresh_token: refreshToken });
      if (error) {
        failIfUnavailable(error, 'refresh');
        throw new IdentityRefusal(error.message);
      }
      if (!data.session) throw new IdentityRefusal('Auth session missing!');
      return gaiaSessionResponseOf(data.session);
    },

    async logout({ refreshToken, accessToken }) {
      if (accessToken) await signOutSession(client(), accessToken);
      if (!refreshToken) return;
      const auth = client();
      const { error } = await auth.refreshSession({ refresh_token: refreshToken });
      if (error) {
        // An unknown, spent or revoked refresh token names no live session: nothing to end.
        failIfUnavailable(error, 'logout');
        return;
      }
      const { error: signOutError } = await auth.signOut({ scope: 'local' });
      if (signOutError) {
        failIfUnavailable(signOutError, 'logout', true);
        throw new IdentityRefusal(signOutError.message);
      }
    },

    async confirm(email, token) {
      const { data, error } = await client().verifyOtp({ email: normalizeEmail(email), token, type: 'signup' });
      if (error) {
        // Supabase answers "Token has expired or is invalid" also for an address confirmed already.
        failIfUnavailable(error, 'confirm');
        return 'invalid';
      }
      return data.user ? gaiaUserOf(data.user) : 'invalid';
    },

    async resendVerification(email) {
      const { error } = await client().resend({ type: 'signup', email: normalizeEmail(email) });
      if (!error) return 'sent';
      failIfUnavailable(error, 'resend-verification');
      if (isRateLimited(error)) return 'too_soon';
      logger.info('Supabase Auth did not resend a confirmation', { code: error.code, status: error.status });
      return 'sent';
    },
  };
}

const backends = new WeakMap<AuthDeps, IdentityBackend | null>();

/**
 * The identity backend `deps.settings` choose: Supabase's when `settings.supabase.backend` (built once per deps),
 * else `null` — the built-in backend, which the GAIA route handlers implement themselves.
 * @example const backend = identityBackendOf(deps); if (backend) return c.json(await backend.refresh(token), 200);
 */
export function identityBackendOf(deps: AuthDeps): IdentityBackend | null {
  let backend = backends.get(deps);
  if (backend === undefined) {
    const supabase = deps.settings.supabase;
    if (supabase?.backend && !(supabase.url && supabase.anonKey)) {
      throw new TypeError('settings.supabase.backend needs url and anonKey');
    }
    backend =
      supabase?.backend && supabase.url && supabase.anonKey
        ? createSupabaseBackend({ url: supabase.url, anonKey: supabase.anonKey, logger: deps.logger })
        : null;
    backends.set(deps, backend);
  }
  return backend;
}
