import { DEFAULT_INTERNAL_ISSUER, INTERNAL_TOKEN_TYPE } from '../../../lib/auth/internal-token.ts';
import { createJwtVerifier, type JwtVerifier, TokenError, type VerifiedToken } from '../../../lib/auth/verify.ts';
import { SERVICE_NAMES } from '../../../lib/service/types.ts';
import type { AuthDeps } from '../deps.ts';

const verifiers = new WeakMap<AuthDeps, JwtVerifier | null>();

function verifierOf(deps: AuthDeps): JwtVerifier | null {
  if (verifiers.has(deps)) return verifiers.get(deps) ?? null;
  let verifier: JwtVerifier | null = null;
  if (deps.settings.internalPublicKeys.length > 0) {
    try {
      verifier = createJwtVerifier({
        issuer: DEFAULT_INTERNAL_ISSUER,
        audience: [...SERVICE_NAMES],
        algorithms: ['EdDSA', 'ES256'],
        type: INTERNAL_TOKEN_TYPE,
        now: deps.now,
        jwks: { keys: deps.settings.internalPublicKeys },
      });
    } catch (err) {
      deps.logger.warn('internal public keys are unusable; service tokens will not validate', { err });
    }
  }
  verifiers.set(deps, verifier);
  return verifier;
}

/**
 * Verifies a service token — an internal identity token the gateway minted for one of our services
 * (`lib/auth/internal-token.ts`) — against `settings.internalPublicKeys`. Resolves `null` when it is not one.
 * @example if (await verifyServiceToken(deps, token)) authType = 'service_jwt';
 */
export async function verifyServiceToken(deps: AuthDeps, token: string): Promise<VerifiedToken | null> {
  const verifier = verifierOf(deps);
  if (!verifier) return null;
  try {
    return await verifier.verify(token);
  } catch (err) {
    if (err instanceof TokenError) return null;
    throw err;
  }
}
