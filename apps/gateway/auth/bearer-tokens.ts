import { decodeProtectedHeader, type JWTPayload } from 'jose';
import { createSupabaseVerifier, type SupabaseVerifier, supabaseJwksUrl } from '../../../lib/auth/supabase.ts';
import { ROLES, type Principal, type Role } from '../../../lib/auth/types.ts';
import { createJwtVerifier, type JwksDocument, TokenError } from '../../../lib/auth/verify.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { parsePrincipal } from './auth-service.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';

/** `aud` of the access tokens the auth service issues (`ACCESS_TOKEN_AUDIENCE` in apps/auth/sessions/access-token.ts). */
export const ACCESS_TOKEN_AUDIENCE = 'authenticated';
/** `typ` of those tokens (`ACCESS_TOKEN_TYPE` there). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface SupabaseSettings {
  /** The project URL (`https://<ref>.supabase.co`): its JWKS verifies ES256/RS256 tokens, and `iss` is checked. */
  url?: string;
  /** The project's legacy shared secret: verifies HS256 tokens. */
  jwtSecret?: string;
}

export interface BearerVerifierOptions {
  /** `iss` of our access tokens (the auth service's `AUTH_ISSUER`). */
  issuer: string;
  /** The auth service's JWKS (`GET /.well-known/jwks.json`), fetched on first use and cached. */
  jwks: () => Promise<JwksDocument>;
  /** Accept Supabase access tokens too. */
  supabase?: SupabaseSettings;
  /** Creates (or finds) the user of a Supabase token never seen before: `POST /internal/users/provision`. */
  provision: (identity: { id: string; email: string | null }) => Promise<Principal>;
  kv: Kv;
  logger: Logger;
  /** How long provisioned principals stay in the KV. Default 5 minutes. */
  provisionedTtlMs?: number;
  /** Most verified tokens kept in process. Default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

export interface BearerVerifier {
  /**
   * The principal a bearer JWT stands for. Throws `TokenError` for a token that does not verify,
   * `CredentialRefusedError` for an identity that cannot be provisioned, and anything else for a store failure.
   */
  verify(token: string): Promise<Principal>;
}

/** A verified token is reused without re-checking its signature for at most this long (and never past `exp`). */
const VERIFIED_REUSE_MS = 60_000;
/** Provisioned principals are also kept in process this long. */
const PROVISIONED_MEMORY_MS = 60_000;

const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

function ourPrincipal(subject: string, claims: JWTPayload): Principal {
  const roles = Array.isArray(claims.roles) ? claims.roles.filter(isRole) : [];
  const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : null;
  return { userId: subject, email, roles, authType: 'jwt' };
}

function algorithmOf(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg === 'string') return alg;
  } catch {
    // falls through
  }
  throw new TokenError('malformed', 'Token is not a JWT');
}

/**
 * Verifies `Authorization: Bearer` JWTs locally: our access tokens (EdDSA/ES256 against the auth service's JWKS,
 * fetched once and cached; `iss`, `aud: authenticated`, `typ: at+jwt`), and Supabase access tokens when configured
 * (HS256 with the shared secret, ES256/RS256 with the project's JWKS). A Supabase subject seen for the first time is
 * provisioned through the auth service; its principal is then kept in the KV (`gw:supabase:<sub>`). Verified tokens
 * are remembered in process until they expire (at most a minute), so a repeated token costs a map lookup.
 * @example const principal = await bearer.verify(token);
 */
export function createBearerVerifier(options: BearerVerifierOptions): BearerVerifier {
  const { kv, logger } = options;
  const now = options.now ?? Date.now;
  const provisionedTtlMs = options.provisionedTtlMs ?? 5 * 60_000;
  const verified = new TtlCache<string, Principal>(options.maxEntries ?? 10_000, now);
  const provisioned = new TtlCache<string, Principal>(options.maxEntries ?? 10_000, now);

  const ours = createJwtVerifier({
    issuer: options.issuer,
    audience: ACCESS_TOKEN_AUDIENCE,
    algorithms: ['EdDSA', 'ES256'],
    type: ACCESS_TOKEN_TYPE,
    requiredClaims: ['iat'],
    now,
    jwks: {
      fetch: options.jwks,
      cacheMs: 5 * 60_000,
      refetchCooldownMs: 5_000,
      onRefreshError: (err) => logger.warn('auth service JWKS could not be refreshed; using the cached keys', { err }),
    },
  });

  const { url, jwtSecret } = options.supabase ?? {};
  const supabaseUrl = url?.replace(/\/+$/, '');
  const supabase: SupabaseVerifier | undefined =
    jwtSecret || supabaseUrl
      ? createSupabaseVerifier({
          ...(jwtSecret ? { jwtSecret } : {}),
          ...(supabaseUrl ? { jwksUrl: supabaseJwksUrl(supabaseUrl), issuer: `${supabaseUrl}/auth/v1` } : {}),
          now,
          onJwksRefreshError: (err) => logger.warn('Supabase JWKS could not be refreshed; using the cached keys', { err }),
        })
      : undefined;

  const principalOfSupabaseUser = async (id: string, email: string | null): Promise<Principal> => {
    const known = provisioned.get(id);
    if (known) return known;
    const key = `gw:supabase:${id}`;
    try {
      const principal = parsePrincipal(JSON.parse((await kv.get(key)) ?? 'null'));
      if (principal) {
        provisioned.set(id, principal, PROVISIONED_MEMORY_MS);
        return principal;
      }
    } catch (err) {
      logger.debug('provisioned-user cache unavailable', { error: err instanceof Error ? err.message : String(err) });
    }
    const principal: Principal = { ...(await options.provision({ id, email })), authType: 'supabase_jwt' };
    provisioned.set(id, principal, PROVISIONED_MEMORY_MS);
    await kv.set(key, JSON.stringify(principal), { ttlMs: provisionedTtlMs }).catch((err: unknown) => {
      logger.debug('provisioned-user cache write failed', { error: err instanceof Error ? err.message : String(err) });
    });
    return principal;
  };

  const verifySupabase = async (token: string): Promise<{ principal: Principal; exp: unknown }> => {
    if (!supabase) throw new TokenError('wrong_algorithm', 'Token algorithm is not accepted');
    const user = await supabase.verify(token);
    return { principal: await principalOfSupabaseUser(user.userId, user.email), exp: user.claims.exp };
  };

  const verifyOurs = async (token: string): Promise<{ principal: Principal; exp: unknown }> => {
    const { subject, claims } = await ours.verify(token);
    return { principal: ourPrincipal(subject, claims), exp: claims.exp };
  };

  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) return known;
      const alg = algorithmOf(token);
      let result: { principal: Principal; exp: unknown };
      if (alg === 'HS256' || alg === 'RS256') {
        result = await verifySupabase(token);
      } else if (alg === 'ES256' && supabaseUrl) {
        // Both we and a Supabase project may sign ES256: ours first, then theirs; a failure reports ours.
        try {
          result = await verifyOurs(token);
        } catch (err) {
          if (!(err instanceof TokenError)) throw err;
          result = await verifySupabase(token).catch((theirs: unknown) => {
            throw theirs instanceof TokenError ? err : theirs;
          });
        }
      } else {
        result = await verifyOurs(token);
      }
      const expiresAt = typeof result.exp === 'number' ? result.exp * 1000 : now();
      verified.set(token, result.principal, Math.min(VERIFIED_REUSE_MS, expiresAt - now()));
      return result.principal;
    },
  };
}
