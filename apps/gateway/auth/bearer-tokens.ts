import { decodeProtectedHeader, type JWTPayload } from 'jose';
import { createSupabaseVerifier, type SupabaseVerifier, supabaseIssuer, supabaseJwksUrl } from '../../../lib/auth/supabase.ts';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE, type Principal, isRole } from '../../../lib/auth/types.ts';
import { createJwtVerifier, type JwksDocument, TokenError } from '../../../lib/auth/verify.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { isPrivileged } from '../../../lib/auth/rbac.ts';
import { isTokenVersion } from '../../../lib/auth/revocation.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';
import { parsePrincipal } from './auth-service.ts';
import type { SessionGuard } from './session-guard.ts';

export interface SupabaseSettings {
  /** The project URL (`https://<ref>.supabase.co`): its JWKS verifies ES256/RS256 tokens, and `iss` is checked. */
  url?: string;
  /** The project's legacy shared secret: verifies HS256 tokens. */
  jwtSecret?: string;
}

/** An external identity: who vouches for it (`iss`) and its subject there (`sub`). */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
  email: string | null;
}

/** A provisioned external user as the auth service answers it. */
export interface ProvisionedUser {
  principal: Principal;
  /** The user's token version when the principal was read: a newer one means its roles changed since. */
  tokenVersion: number;
}

export interface BearerVerifierOptions {
  /** `iss` of our access tokens (the auth service's `AUTH_ISSUER`). */
  issuer: string;
  /** The auth service's JWKS (`GET /.well-known/jwks.json`), fetched on first use and cached. */
  jwks: () => Promise<JwksDocument>;
  /** Accept Supabase access tokens too. */
  supabase?: SupabaseSettings;
  /** Finds (or creates, on first sight) the user of an external identity: `POST /internal/users/provision`. */
  provision: (identity: ExternalIdentity) => Promise<ProvisionedUser>;
  /** Whether a token's session still stands and its user's roles are those it was issued with. */
  sessions: SessionGuard;
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
   * The principal a bearer JWT stands for. Throws `TokenError` for a token that does not verify (or whose session
   * ended, or that predates a change of its user's roles), `CredentialRefusedError` for an identity that cannot be
   * provisioned, and anything else for a store failure.
   */
  verify(token: string): Promise<Principal>;
}

/** A verified token is reused without re-checking its signature for at most this long (and never past `exp`). */
const VERIFIED_REUSE_MS = 60_000;
/** Provisioned principals are also kept in process this long. */
const PROVISIONED_MEMORY_MS = 60_000;

/** What a verified token says, kept per token for {@link VERIFIED_REUSE_MS}. */
type Verified =
  | { kind: 'ours'; principal: Principal; sessionId: string | undefined; tokenVersion: number; expiresAt: number }
  | { kind: 'external'; identity: ExternalIdentity; expiresAt: number };

function ours(subject: string, claims: JWTPayload, now: number): Verified {
  const roles = Array.isArray(claims.roles) ? claims.roles.filter(isRole) : [];
  const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : null;
  return {
    kind: 'ours',
    principal: { userId: subject, email, roles, authType: 'jwt' },
    sessionId: typeof claims.sid === 'string' ? claims.sid : undefined,
    tokenVersion: isTokenVersion(claims.tv) ? claims.tv : 0,
    expiresAt: expiryOf(claims, now),
  };
}

const expiryOf = (claims: JWTPayload, now: number) => (typeof claims.exp === 'number' ? claims.exp * 1000 : now);

function algorithmOf(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg === 'string') return alg;
  } catch {
    // falls through
  }
  throw new TokenError('malformed', 'Token is not a JWT');
}

/** The KV key of a provisioned external user (issuer and subject, never the email). */
const provisionedKey = (identity: ExternalIdentity) => `gw:identity:${encodeURIComponent(identity.issuer)}:${encodeURIComponent(identity.subject)}`;

function parseProvisioned(raw: string | null): ProvisionedUser | undefined {
  try {
    const value = JSON.parse(raw ?? 'null') as { principal?: unknown; tokenVersion?: unknown } | null;
    const principal = parsePrincipal(value?.principal);
    const tokenVersion = value?.tokenVersion;
    return principal && typeof tokenVersion === 'number' ? { principal, tokenVersion } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies `Authorization: Bearer` JWTs locally: our access tokens (EdDSA/ES256 against the auth service's JWKS,
 * fetched once and cached; `iss`, `aud: authenticated`, `typ: at+jwt`), and Supabase access tokens when configured
 * (HS256 with the shared secret, ES256/RS256 with the project's JWKS). Signatures are checked once per token and
 * remembered until it expires (at most a minute); the session guard runs on every request: a token whose session
 * ended (`sid`), or issued before its user's roles changed (`tv`), is refused. An external identity is its issuer and
 * `sub` (never its email): seen for the first time it is provisioned through the auth service, and its principal is
 * then kept in the KV and in process, re-read when the user's roles change.
 * @example const principal = await bearer.verify(token);
 */
export function createBearerVerifier(options: BearerVerifierOptions): BearerVerifier {
  const { kv, logger, sessions } = options;
  const now = options.now ?? Date.now;
  const provisionedTtlMs = options.provisionedTtlMs ?? 5 * 60_000;
  const verified = new TtlCache<string, Verified>(options.maxEntries ?? 10_000, now);
  const provisioned = new TtlCache<string, ProvisionedUser>(options.maxEntries ?? 10_000, now);

  const ourVerifier = createJwtVerifier({
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
          ...(supabaseUrl ? { jwksUrl: supabaseJwksUrl(supabaseUrl), issuer: supabaseIssuer(supabaseUrl) } : {}),
          now,
          onJwksRefreshError: (err) => logger.warn('Supabase JWKS could not be refreshed; using the cached keys', { err }),
        })
      : undefined;

  const provisionedUser = async (identity: ExternalIdentity, fresh: boolean): Promise<ProvisionedUser> => {
    const key = provisionedKey(identity);
    if (!fresh) {
      const known = provisioned.get(key);
      if (known) return known;
      try {
        const cached = parseProvisioned(await kv.get(key));
        if (cached) {
          provisioned.set(key, cached, PROVISIONED_MEMORY_MS);
          return cached;
        }
      } catch (err) {
        logger.debug('provisioned-user cache unavailable', { error: err instanceof Error ? err.message : String(err) });
      }
    }
    const user = await options.provision(identity);
    const result: ProvisionedUser = { principal: { ...user.principal, authType: 'supabase_jwt' }, tokenVersion: user.tokenVersion };
    provisioned.set(key, result, PROVISIONED_MEMORY_MS);
    await kv.set(key, JSON.stringify(result), { ttlMs: provisionedTtlMs }).catch((err: unknown) => {
      logger.debug('provisioned-user cache write failed', { error: err instanceof Error ? err.message : String(err) });
    });
    return result;
  };

  const verifySupabase = async (token: string): Promise<Verified> => {
    if (!supabase) throw new TokenError('wrong_algorithm', 'Token algorithm is not accepted');
    const user = await supabase.verify(token);
    const identity = { issuer: user.issuer, subject: user.userId, email: user.email };
    return { kind: 'external', identity, expiresAt: expiryOf(user.claims, now()) };
  };

  const verifyOurs = async (token: string): Promise<Verified> => {
    const { subject, claims } = await ourVerifier.verify(token);
    return ours(subject, claims, now());
  };

  const verifySignature = async (token: string): Promise<Verified> => {
    const alg = algorithmOf(token);
    if (alg === 'HS256' || alg === 'RS256') return verifySupabase(token);
    if (alg === 'ES256' && supabaseUrl) {
      // Both we and a Supabase project may sign ES256: ours first, then theirs; a failure reports ours.
      try {
        return await verifyOurs(token);
      } catch (err) {
        if (!(err instanceof TokenError)) throw err;
        return verifySupabase(token).catch((theirs: unknown) => {
          throw theirs instanceof TokenError ? err : theirs;
        });
      }
    }
    return verifyOurs(token);
  };

  /** Our token, refused when its session ended or its user's roles changed since it was issued. */
  const current = async (token: Extract<Verified, { kind: 'ours' }>): Promise<Principal> => {
    const { principal, sessionId } = token;
    const state = await sessions.state({
      userId: principal.userId,
      ...(sessionId === undefined ? {} : { sessionId }),
      privileged: isPrivileged(principal),
      expiresAt: token.expiresAt,
    });
    if (state.tokenVersion === null) throw new TokenError('revoked', 'The user of this token no longer exists');
    if (sessionId !== undefined && state.session !== 'active') throw new TokenError('revoked', 'The session of this token has ended; sign in again');
    if (token.tokenVersion < state.tokenVersion) {
      throw new TokenError('outdated', "The user's roles changed after this token was issued; refresh it or sign in again");
    }
    return principal;
  };

  /** An external identity's principal, read again from the auth service when the user's roles changed. */
  const external = async (token: Extract<Verified, { kind: 'external' }>): Promise<Principal> => {
    const user = await provisionedUser(token.identity, false);
    const state = await sessions.state({ userId: user.principal.userId, privileged: isPrivileged(user.principal), expiresAt: token.expiresAt });
    if (state.tokenVersion !== null && state.tokenVersion <= user.tokenVersion) return user.principal;
    return (await provisionedUser(token.identity, true)).principal;
  };

  return {
    async verify(token) {
      let known = verified.get(token);
      if (!known) {
        known = await verifySignature(token);
        verified.set(token, known, Math.min(VERIFIED_REUSE_MS, known.expiresAt - now()));
      }
      return known.kind === 'ours' ? current(known) : external(known);
    },
  };
}
