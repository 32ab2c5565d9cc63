import { createSupabaseVerifier, type SupabaseUser, type SupabaseVerifier, supabaseIssuer, supabaseJwksUrl } from '../../../lib/auth/supabase.ts';
import { TokenError } from '../../../lib/auth/verify.ts';
import type { AuthDeps } from '../deps.ts';

const verifiers = new WeakMap<AuthDeps, SupabaseVerifier | null>();

function verifierOf(deps: AuthDeps): SupabaseVerifier | null {
  if (verifiers.has(deps)) return verifiers.get(deps) ?? null;
  const { jwtSecret, url } = deps.settings.supabase ?? {};
  const verifier =
    jwtSecret || url
      ? createSupabaseVerifier({
          ...(jwtSecret ? { jwtSecret } : {}),
          ...(url ? { jwksUrl: supabaseJwksUrl(url), issuer: supabaseIssuer(url) } : {}),
          now: deps.now,
          onJwksRefreshError: (err) => deps.logger.warn('Supabase signing keys could not be refreshed', { err }),
        })
      : null;
  verifiers.set(deps, verifier);
  return verifier;
}

/**
 * Verifies a Supabase access token when Supabase is configured (`settings.supabase.jwtSecret` for HS256, `url` for
 * the project's JWKS): `aud: authenticated`, `exp`, `sub`. Resolves the identity, or `null` — for a token that is
 * not a valid Supabase token, and when Supabase is not configured. A JWKS that cannot be fetched is logged and also
 * answers `null`: a token is only ever accepted on a positive verification, and the caller may still authenticate
 * another way (GAIA-API §3).
 * @example const identity = await verifySupabaseToken(deps, bearer);
 */
export async function verifySupabaseToken(deps: AuthDeps, token: string): Promise<SupabaseUser | null> {
  const verifier = verifierOf(deps);
  if (!verifier || token === '') return null;
  try {
    return await verifier.verify(token);
  } catch (err) {
    if (!(err instanceof TokenError)) deps.logger.warn('Supabase token could not be verified', { err });
    return null;
  }
}
