import type { JWTPayload } from 'jose';
import { TtlCache } from '../cache/ttl-cache.ts';
import type { ServiceName } from '../service/types.ts';
import type { SigningAlgorithm, SigningKey } from './signing-keys.ts';
import { signToken } from './tokens.ts';
import { type AuthType, type Principal, isRole } from './types.ts';
import { createJwtVerifier, type JwksSource, TokenError } from './verify.ts';

/** The request header the gateway puts the internal token in. */
export const INTERNAL_TOKEN_HEADER = 'X-Gaia-Identity';
/** The `typ` header of internal tokens, so no other platform JWT can stand in for one. */
export const INTERNAL_TOKEN_TYPE = 'gaia-internal+jwt';
export const DEFAULT_INTERNAL_ISSUER = 'gaia-gateway';
export const DEFAULT_INTERNAL_TTL_SECONDS = 60;

const AUTH_TYPES: Record<AuthType, true> = { jwt: true, supabase_jwt: true, api_key: true, service: true, anonymous: true };
const isAuthType = (value: unknown): value is AuthType => typeof value === 'string' && Object.hasOwn(AUTH_TYPES, value);

export interface SignInternalTokenOptions {
  /** The one service the token is for; any other service refuses it. */
  audience: ServiceName;
  /** Default `gaia-gateway`. */
  issuer?: string;
  /** Default 60. */
  ttlSeconds?: number;
  /** Issue time in ms since the epoch (tests). */
  now?: number;
}

/**
 * Signs the identity the gateway forwards to one service (header {@link INTERNAL_TOKEN_HEADER}): claims `sub`,
 * `email`, `roles`, `auth_type` and, for API keys, `key_id`; `typ` {@link INTERNAL_TOKEN_TYPE}.
 * @example
 * const token = await signInternalToken(ring.current(), principal, { audience: 'kb' });
 * request.headers.set(INTERNAL_TOKEN_HEADER, token);
 */
export function signInternalToken(key: SigningKey, principal: Principal, options: SignInternalTokenOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    email: principal.email,
    roles: principal.roles,
    auth_type: principal.authType,
    ...(principal.keyId === undefined ? {} : { key_id: principal.keyId }),
  };
  return signToken(key, claims, {
    issuer: options.issuer ?? DEFAULT_INTERNAL_ISSUER,
    audience: options.audience,
    subject: principal.userId,
    ttlSeconds: options.ttlSeconds ?? DEFAULT_INTERNAL_TTL_SECONDS,
    type: INTERNAL_TOKEN_TYPE,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

function principalOf(subject: string, claims: JWTPayload): Principal {
  const { email, roles, auth_type: authType, key_id: keyId } = claims;
  if (email !== null && typeof email !== 'string') throw new TokenError('malformed', 'Internal token: email must be a string or null');
  if (!Array.isArray(roles) || !roles.every(isRole)) throw new TokenError('malformed', 'Internal token: roles are not platform roles');
  if (!isAuthType(authType)) throw new TokenError('malformed', 'Internal token: unknown auth_type');
  if (keyId !== undefined && typeof keyId !== 'string') throw new TokenError('malformed', 'Internal token: key_id must be a string');
  const principal: Principal = { userId: subject, email, roles: [...roles], authType };
  if (keyId !== undefined) principal.keyId = keyId;
  return principal;
}

export interface InternalTokenVerifierOptions {
  /** The verifying service: only tokens minted for it pass. */
  audience: ServiceName;
  /** The gateway's public keys, e.g. `{ fetch: () => gateway.jwks(), cacheMs: 60_000 }`. */
  jwks: JwksSource;
  /** Default `gaia-gateway`. */
  issuer?: string;
  /** Default both; each key is still pinned to its own `alg`. */
  algorithms?: SigningAlgorithm[];
  /** Leeway for `exp`/`nbf`, in seconds. Default 30. */
  clockToleranceS?: number;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
  /**
   * How long a verified token is remembered (never past its `exp`), in ms. The gateway reuses each token for 30 s,
   * so most requests skip the signature check. Default 30 000; 0 turns it off.
   */
  cacheMs?: number;
}

export interface InternalTokenVerifier {
  /** Resolves with the caller's principal, or throws `TokenError` (a 401) or a JWKS source failure (a 5xx). */
  verify(token: string): Promise<Principal>;
}

/**
 * Verifies {@link INTERNAL_TOKEN_HEADER} tokens in a service: issuer, `typ`, and audience = this service.
 * @example
 * const identity = createInternalTokenVerifier({ audience: 'kb', jwks: { fetch: loadGatewayJwks } });
 * const principal = await identity.verify(c.req.header(INTERNAL_TOKEN_HEADER) ?? '');
 */
export function createInternalTokenVerifier(options: InternalTokenVerifierOptions): InternalTokenVerifier {
  const verifier = createJwtVerifier({
    issuer: options.issuer ?? DEFAULT_INTERNAL_ISSUER,
    audience: options.audience,
    algorithms: options.algorithms ?? ['EdDSA', 'ES256'],
    jwks: options.jwks,
    type: INTERNAL_TOKEN_TYPE,
    requiredClaims: ['roles', 'auth_type'],
    ...(options.clockToleranceS === undefined ? {} : { clockToleranceS: options.clockToleranceS }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const cacheMs = options.cacheMs ?? 30_000;
  const now = options.now ?? Date.now;
  const verified = new TtlCache<string, Principal>(10_000, now);
  return {
    async verify(token) {
      const hit = cacheMs > 0 ? verified.get(token) : undefined;
      if (hit) return { ...hit, roles: [...hit.roles] };
      const { subject, claims } = await verifier.verify(token);
      const principal = principalOf(subject, claims);
      if (cacheMs > 0 && typeof claims.exp === 'number') verified.set(token, principal, Math.min(cacheMs, claims.exp * 1000 - now()));
      return { ...principal, roles: [...principal.roles] };
    },
  };
}
