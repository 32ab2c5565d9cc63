import { signToken } from '../../../../lib/auth/tokens.ts';
import { createJwtVerifier } from '../../../../lib/auth/verify.ts';
import { withDeadline } from '../../../../lib/readiness/deadline.ts';
import type { AuthDeps } from '../../deps.ts';
import { keyStoreFor } from '../../keys/key-store.ts';
import { CHECK_TIMEOUT_MS, type CheckResult, logCheckFailure, problem } from './check.ts';

/** Audience and `typ` of the throwaway token the check signs: no verifier of real tokens accepts it. */
const PROBE_AUDIENCE = 'gaia-auth-health';
const PROBE_TYPE = 'gaia-health+jwt';

/** JWT secrets published in Supabase's self-hosting and CLI examples: anyone can sign tokens with them. */
const PUBLISHED_JWT_SECRETS = new Set([
  'super-secret-jwt-token-with-at-least-32-characters-long',
  'your-super-secret-jwt-token-with-at-least-32-characters-long',
]);
/** A random 32+ character secret has far more distinct characters than this; fewer means a typed-in phrase or a pattern. */
const MIN_DISTINCT_CHARACTERS = 12;

/** Signs a throwaway token with the current signing key and verifies it against our published keys. */
async function signAndVerify(deps: AuthDeps): Promise<void> {
  const keys = keyStoreFor(deps);
  const options = { issuer: deps.settings.issuer, audience: PROBE_AUDIENCE, type: PROBE_TYPE };
  const token = await signToken(await keys.signingKey(), {}, { ...options, subject: 'auth-health', ttlSeconds: 60, now: deps.now() });
  const verifier = createJwtVerifier({ ...options, algorithms: ['EdDSA', 'ES256'], jwks: await keys.ownJwks(), now: deps.now });
  await verifier.verify(token);
}

/** Why a configured shared secret is weak, or `null`. Never says what the secret is. */
function weakSecret(name: string, secret: string | undefined): string | null {
  if (secret === undefined) return null;
  if (PUBLISHED_JWT_SECRETS.has(secret)) return `${name} is a published example value: set the project's own secret`;
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) return `${name} looks weak (too few distinct characters): set the project's own secret`;
  return null;
}

/**
 * The `secrets` check: the current signing key signs a token that verifies against our JWKS (error otherwise);
 * the gateway's internal public key is configured (warning otherwise: only public routes work); a Supabase JWT
 * secret, when set, is not a published example or an obviously weak one (warning). Reports counts and states only,
 * never a secret.
 * @example const check = await checkSecrets(deps); // { status: 'healthy', signing_key: 'usable', internal_keys: 1 }
 */
export async function checkSecrets(deps: AuthDeps, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const internalKeys = deps.settings.internalPublicKeys.length;
  const warnings: string[] = [];
  if (internalKeys === 0) {
    warnings.push('INTERNAL_SIGNING_KEY is not set: no gateway can vouch for callers, so only public routes work (run `npm run keys`)');
  }
  const weak = weakSecret('SUPABASE_JWT_SECRET', deps.settings.supabase?.jwtSecret);
  if (weak) warnings.push(weak);
  let usable = true;
  try {
    await withDeadline(timeoutMs, () => signAndVerify(deps));
  } catch (err) {
    usable = false;
    logCheckFailure(deps.logger, 'secrets', err);
  }
  const base = { signing_key: usable ? 'usable' : 'unusable', internal_keys: internalKeys };
  if (!usable) {
    const error = 'the signing key could not sign and verify a token (is the database up and migrated?)';
    return { ...problem('error', [error, ...warnings].join('; ')), ...base };
  }
  return warnings.length > 0 ? { ...problem('warning', warnings.join('; ')), ...base } : { status: 'healthy', ...base };
}
