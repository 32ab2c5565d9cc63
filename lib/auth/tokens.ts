import { SignJWT } from 'jose';
import { type SigningKey, signingCryptoKey } from './signing-keys.ts';

export interface SignTokenOptions {
  issuer: string;
  audience: string | string[];
  subject: string;
  /** Lifetime in seconds (a positive integer): `exp = iat + ttlSeconds`. */
  ttlSeconds: number;
  /** The JWT `typ` header, e.g. `gaia-internal+jwt`; absent means no `typ`. */
  type?: string;
  /** Issue time in ms since the epoch; defaults to now (tests, backdating). */
  now?: number;
  /** The `jti`; defaults to a random UUID. */
  jti?: string;
}

/**
 * Signs a JWT with `key`: header `{ alg, kid, typ? }`, claims `iss`, `sub`, `aud`, `iat`, `nbf` (= `iat`), `exp`
 * and `jti` on top of `claims` (the registered claims always come from `options`, never from `claims`).
 * @example
 * const token = await signToken(ring.current(), { scope: 'kb:read' }, {
 *   issuer: 'gaia-auth', audience: 'gaia', subject: userId, ttlSeconds: 900,
 * });
 */
export async function signToken(key: SigningKey, claims: Record<string, unknown>, options: SignTokenOptions): Promise<string> {
  const { ttlSeconds } = options;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
  if (typeof options.subject !== 'string' || options.subject === '') throw new TypeError('subject must be a non-empty string');
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const header = options.type === undefined ? { alg: key.alg, kid: key.kid } : { alg: key.alg, kid: key.kid, typ: options.type };
  return new SignJWT(claims)
    .setProtectedHeader(header)
    .setIssuer(options.issuer)
    .setSubject(options.subject)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ttlSeconds)
    .setJti(options.jti ?? crypto.randomUUID())
    .sign(await signingCryptoKey(key));
}
