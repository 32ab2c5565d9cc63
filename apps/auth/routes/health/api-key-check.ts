import { withDeadline } from '../../../../lib/readiness/deadline.ts';
import { generateApiKey } from '../../../../lib/auth/api-key-format.ts';
import { verifyApiKey } from '../../api-keys/verify.ts';
import type { AuthDeps } from '../../deps.ts';
import { CHECK_TIMEOUT_MS, type CheckResult, logCheckFailure, problem, secondsSince } from './check.ts';

/**
 * The `api_key_validation` check: verifies a freshly generated, well-formed key that was never issued, end to end
 * (hash, look-up in `auth.api_keys`), and expects it refused; `response_time` is how long that took (seconds).
 * An error when the look-up fails or times out — or, impossibly, accepts the key.
 * @example const check = await checkApiKeyValidation(deps); // { status: 'healthy', backend: 'postgresql', test_performed: true, response_time: 0.002 }
 */
export async function checkApiKeyValidation(deps: AuthDeps, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const base = { backend: 'postgresql', test_performed: true } as const;
  const start = performance.now();
  try {
    const { secret } = await generateApiKey(deps.settings.apiKeyEnv);
    const principal = await withDeadline(timeoutMs, () => verifyApiKey(deps, secret));
    const timing = { response_time: secondsSince(start) };
    if (principal) return { ...problem('error', 'a key that was never issued was accepted'), ...base, ...timing };
    return { status: 'healthy', ...base, ...timing };
  } catch (err) {
    logCheckFailure(deps.logger, 'api_key_validation', err);
    return { ...problem('error', 'the key store could not be queried (is the database up and migrated?)'), ...base };
  }
}
