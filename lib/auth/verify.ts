import { type CompactJWSHeaderParameters, errors, type JWK, type JWTPayload, jwtVerify } from 'jose';
import type { SigningAlgorithm } from './signing-keys.ts';

/** Why a token was refused; callers answer 401 with it so the client can tell "refresh" from "re-login". */
export type TokenErrorReason =
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'unknown_kid'
  | 'wrong_algorithm'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'wrong_type'
  /** The token's session ended (logout, refresh-token reuse, its API key revoked) or its user no longer exists. */
  | 'revoked'
  /** The token was issued before its user's roles changed: refresh it. */
  | 'outdated';

/**
 * A token that fails verification. Anything else a verifier throws (a JWKS endpoint that is down, a malformed
 * JWKS) is an infrastructure failure, not the caller's fault: answer 5xx for those, 401 for this.
 * @example if (err instanceof TokenError) throw new ApiError('UNAUTHENTICATED', err.message, { details: { reason: err.reason } });
 */
export class TokenError extends Error {
  readonly reason: TokenErrorReason;

  constructor(reason: TokenErrorReason, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TokenError';
    this.reason = reason;
  }
}

/** A JSON Web Key Set (public keys only). */
export interface JwksDocument {
  keys: JWK[];
}

/** A JWKS fetched on demand and cached in memory. */
export interface JwksFetchSource {
  fetch: () => Promise<JwksDocument>;
  /** How long a fetched set is used before it is fetched again. Default 5 minutes. */
  cacheMs?: number;
  /** At most one refetch per this many ms for tokens with an unknown `kid` (and after a failed refresh). Default 30 s. */
  refetchCooldownMs?: number;
  /** Told about refreshes that failed while an older set was still cached (that older set keeps being used). */
  onRefreshError?: (err: unknown) => void;
}

/** Where a verifier gets public keys: a fixed set, or a fetched and cached one. */
export type JwksSource = JwksDocument | JwksFetchSource;

/** Finds the public keys with a `kid`; `undefined` when the set has none. */
export type JwksLookup = (kid: string) => Promise<readonly JWK[] | undefined>;

/** Key type each accepted asymmetric algorithm needs; a key of another type is never used for it. */
const KEY_TYPES: Record<string, { kty: string; crv?: string }> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
  RS256: { kty: 'RSA' },
};

const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];
const MAX_TOKEN_LENGTH = 16_384;
const quote = (value: string) => JSON.stringify(value.slice(0, 80));

function indexJwks(doc: unknown): Map<string, JWK[]> {
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new TypeError('JWKS malformed: expected { keys: [...] }');
  const index = new Map<string, JWK[]>();
  for (const entry of keys as unknown[]) {
    if (typeof entry !== 'object' || entry === null) throw new TypeError('JWKS malformed: a key is not an object');
    const jwk = entry as JWK;
    if (SECRET_MEMBERS.some((member) => member in jwk)) {
      throw new TypeError(`JWKS holds private or secret key material (kid ${quote(String(jwk.kid))}); publish public keys only`);
    }
    if (typeof jwk.kid !== 'string' || jwk.kid === '' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    // Frozen copies: jose caches each imported CryptoKey by JWK object identity.
    index.set(jwk.kid, [...(index.get(jwk.kid) ?? []), Object.freeze({ ...jwk })]);
  }
  return index;
}

function createFetchedLookup(source: JwksFetchSource, now: () => number): JwksLookup {
  const cacheMs = source.cacheMs ?? 5 * 60_000;
  const cooldownMs = source.refetchCooldownMs ?? 30_000;
  let index: Map<string, JWK[]> | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    if (!inflight) {
      attemptedAt = now();
      inflight = Promise.resolve()
        .then(() => source.fetch())
        .then((doc) => {
          index = indexJwks(doc);
          fetchedAt = now();
        })
        .finally(() => {
          inflight = undefined;
        });
    }
    return inflight;
  };
  const refreshKeepingStale = () => refresh().catch((err: unknown) => source.onRefreshError?.(err));

  return async function lookup(kid) {
    if (!index) {
      await refresh(); // nothing cached yet: a failing source fails the verification (not as a TokenError)
    } else if (now() - fetchedAt >= cacheMs && (attemptedAt <= fetchedAt || now() - attemptedAt >= cooldownMs)) {
      await refreshKeepingStale();
    }
    if (!index?.has(kid)) {
      if (inflight) await inflight.catch(() => undefined);
      else if (now() - attemptedAt >= cooldownMs) await refreshKeepingStale();
    }
    return index?.get(kid);
  };
}

/**
 * A `kid` → keys lookup over a static JWKS or a fetched, cached one (refetched when the cache ages out, and on an
 * unknown `kid` at most once per cooldown). Throws `TypeError` at once for a static set that is malformed or that
 * holds private keys. Shared by the verifiers in this folder.
 * @example const lookup = createJwksLookup({ fetch: async () => ring.publicJwks(), cacheMs: 60_000 });
 */
export function createJwksLookup(source: JwksSource, now: () => number = Date.now): JwksLookup {
  if ('fetch' in source && typeof source.fetch === 'function') return createFetchedLookup(source, now);
  const index = indexJwks(source);
  return async (kid) => index.get(kid);
}

/**
 * A jose key resolver that pins each key to its own algorithm: the token's `kid` must name a key in the set
 * (`unknown_kid`), and that key must be of the type the header's `alg` needs and, when the JWK says, that `alg`
 * (`wrong_algorithm`). Shared by the verifiers in this folder.
 * @example await jwtVerify(token, keyResolver(lookup), { algorithms: ['EdDSA'] });
 */
export function keyResolver(lookup: JwksLookup): (header: CompactJWSHeaderParameters) => Promise<JWK> {
  return async function resolve(header) {
    const { kid, alg } = header;
    if (typeof kid !== 'string' || kid === '') throw new TokenError('malformed', 'Token has no kid header');
    const keys = await lookup(kid);
    if (!keys?.length) throw new TokenError('unknown_kid', `No key with kid ${quote(kid)}`);
    const need = KEY_TYPES[alg];
    const key = keys.find((k) => need && k.kty === need.kty && (!need.crv || k.crv === need.crv) && (k.alg ?? alg) === alg);
    if (!key) throw new TokenError('wrong_algorithm', `Key ${quote(kid)} does not verify ${quote(alg)}`);
    return key;
  };
}

function claimReason(err: errors.JWTClaimValidationFailed): TokenErrorReason {
  if (err.claim === 'iss') return 'wrong_issuer';
  if (err.claim === 'aud') return 'wrong_audience';
  if (err.claim === 'typ') return 'wrong_type';
  if (err.claim === 'nbf' && err.reason === 'check_failed') return 'not_yet_valid';
  return 'malformed';
}

/**
 * Rethrows a jose verification failure as the matching {@link TokenError}; anything that is not about the token
 * (a JWKS fetch failure, a bug) is rethrown unchanged. Shared by the verifiers in this folder.
 * @example try { await jwtVerify(...) } catch (err) { throwAsTokenError(err) }
 */
export function throwAsTokenError(err: unknown): never {
  if (err instanceof TokenError) throw err;
  const fail = (reason: TokenErrorReason, message: string): never => {
    throw new TokenError(reason, message, { cause: err });
  };
  if (err instanceof errors.JWTExpired) fail(err.claim === 'exp' ? 'expired' : 'malformed', 'Token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) fail(claimReason(err), `Token rejected: ${err.message}`);
  if (err instanceof errors.JWSSignatureVerificationFailed) fail('bad_signature', 'Token signature is invalid');
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    fail('wrong_algorithm', 'Token algorithm is not accepted');
  }
  if (err instanceof errors.JWKSNoMatchingKey) fail('unknown_kid', 'No key matches the token');
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) fail('malformed', `Token is malformed: ${err.message}`);
  throw err;
}

/** Refuses non-strings and oversized input before any parsing. */
export function assertTokenShape(token: unknown): asserts token is string {
  if (typeof token !== 'string' || token === '') throw new TokenError('malformed', 'Token is missing');
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed', 'Token is too long');
}

export interface JwtVerifierOptions {
  issuer: string | string[];
  audience: string | string[];
  /** The only header `alg` values accepted; everything else (none, HS*, RS*) is `wrong_algorithm`. */
  algorithms: SigningAlgorithm[];
  jwks: JwksSource;
  /** Leeway for `exp`/`nbf`, in seconds. Default 30. */
  clockToleranceS?: number;
  /** Required `typ` header (compared as jose does: case-insensitive, `application/` prefix optional). */
  type?: string;
  /** Claims that must be present on top of `exp`, `sub`, `iss` and `aud`. */
  requiredClaims?: string[];
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
}

export interface VerifiedToken {
  /** The `sub` claim. */
  subject: string;
  /** Every claim, as signed. */
  claims: JWTPayload;
  header: CompactJWSHeaderParameters;
}

export interface JwtVerifier {
  /** Resolves with the verified token, or throws {@link TokenError} (a 401) or a source failure (a 5xx). */
  verify(token: string): Promise<VerifiedToken>;
}

/**
 * Verifies platform JWTs against a JWKS with pinned algorithms, issuer, audience and (optionally) `typ`.
 * @example
 * const verifier = createJwtVerifier({
 *   issuer: 'gaia-auth', audience: 'gaia', algorithms: ['EdDSA'],
 *   jwks: { fetch: () => loadJwks(), cacheMs: 10 * 60_000 },
 * });
 * const { subject, claims } = await verifier.verify(bearer);
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const algorithms = [...options.algorithms];
  if (algorithms.length === 0 || algorithms.some((alg) => alg !== 'EdDSA' && alg !== 'ES256')) {
    throw new TypeError('algorithms must list EdDSA and/or ES256');
  }
  const now = options.now ?? Date.now;
  const getKey = keyResolver(createJwksLookup(options.jwks, now));
  const requiredClaims = ['exp', 'sub', ...(options.requiredClaims ?? [])];
  const clockTolerance = options.clockToleranceS ?? 30;

  return {
    async verify(token) {
      try {
        assertTokenShape(token);
        const { payload, protectedHeader } = await jwtVerify(token, getKey, {
          algorithms,
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance,
          currentDate: new Date(now()),
          requiredClaims,
          ...(options.type === undefined ? {} : { typ: options.type }),
        });
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenError('malformed', 'Token sub must be a string');
        return { subject: payload.sub, claims: payload, header: protectedHeader };
      } catch (err) {
        throwAsTokenError(err);
      }
    },
  };
}
