import { createJwtVerifier, type JwtVerifier, TokenError, type VerifiedToken } from '../../../lib/auth/verify.ts';
import type { AuthDeps } from '../deps.ts';
import { isTokenVersion } from '../../../lib/auth/revocation.ts';
import { accessOf } from '../users/roles.ts';
import { isUuid } from '../users/user.ts';
import { isSessionActive } from './refresh-tokens.ts';
import { keyStoreFor } from '../keys/key-store.ts';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE } from '../../../lib/auth/types.ts';

/** How long the verifier keeps the key set before asking the key store again (the store has its own cache). */
const JWKS_CACHE_MS = 30_000;
/** A token with an unknown `kid` (say, signed by a key another instance just created) rereads at most this often. */
const UNKNOWN_KID_COOLDOWN_MS = 5_000;

const verifiers = new WeakMap<AuthDeps, JwtVerifier>();

function verifierOf(deps: AuthDeps): JwtVerifier {
  let verifier = verifiers.get(deps);
  if (!verifier) {
    const keys = keyStoreFor(deps);
    verifier = createJwtVerifier({
      issuer: deps.settings.issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      algorithms: ['EdDSA', 'ES256'],
      type: ACCESS_TOKEN_TYPE,
      requiredClaims: ['iat'],
      now: deps.now,
      jwks: {
        fetch: () => keys.ownJwks({ maxAgeMs: UNKNOWN_KID_COOLDOWN_MS }),
        cacheMs: JWKS_CACHE_MS,
        refetchCooldownMs: UNKNOWN_KID_COOLDOWN_MS,
        onRefreshError: (err) => deps.logger.warn('signing keys could not be refreshed for verification', { err }),
      },
    });
    verifiers.set(deps, verifier);
  }
  return verifier;
}

/**
 * Verifies one of our access tokens (signature against our own keys, `iss`, `aud: authenticated`, `typ: at+jwt`,
 * `exp`/`nbf`). Throws `TokenError` for a bad token and anything else for an infrastructure failure.
 * @example const { subject, claims } = await verifyAccessToken(deps, bearer);
 */
export function verifyAccessToken(deps: AuthDeps, token: string): Promise<VerifiedToken> {
  return verifierOf(deps).verify(token);
}

/**
 * {@link verifyAccessToken}, and the database agrees the token still stands: its user exists, its `tv` is the
 * user's token version (roles unchanged since it was issued), and its session (`sid`) has not ended. Throws
 * `TokenError` (`revoked`, `outdated`) otherwise — what the gateways enforce from their caches.
 * @example const { subject } = await verifyCurrentAccessToken(deps, token);
 */
export async function verifyCurrentAccessToken(deps: AuthDeps, token: string): Promise<VerifiedToken> {
  const verified = await verifyAccessToken(deps, token);
  const { subject, claims } = verified;
  const access = await accessOf(deps.db, subject);
  if (!access) throw new TokenError('revoked', 'The user of this token no longer exists');
  const tv = isTokenVersion(claims.tv) ? claims.tv : 0;
  if (tv < access.tokenVersion) throw new TokenError('outdated', "The user's roles changed after this token was issued");
  if (typeof claims.sid === 'string' && !(isUuid(claims.sid) && (await isSessionActive(deps, claims.sid, subject)))) {
    throw new TokenError('revoked', 'The session of this token has ended');
  }
  return verified;
}
