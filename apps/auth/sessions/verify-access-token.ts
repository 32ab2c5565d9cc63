import { createJwtVerifier, type JwtVerifier, type VerifiedToken } from '../../../lib/auth/verify.ts';
import type { AuthDeps } from '../deps.ts';
import { keyStoreFor } from '../keys/key-store.ts';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE } from './access-token.ts';

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
