import type { Logger } from '../../../../lib/logging/logger.ts';

export type CheckStatus = 'healthy' | 'warning' | 'error';

/** One entry of `checks` in `GET /auth/health`: a status, what was checked, and `warning`/`error` saying why. */
export interface CheckResult {
  status: CheckStatus;
  [key: string]: unknown;
}

/** How long each check may take before it counts as failed (the whole answer stays under a health checker's timeout). */
export const CHECK_TIMEOUT_MS = 2_000;

/** Seconds (float, ms precision) since `start` (a `performance.now()`), as GAIA's `response_time`. */
export const secondsSince = (start: number) => Math.round(performance.now() - start) / 1000;

export const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Logs why a check failed (the answer itself carries a short, fixed message: the endpoint is public).
 * @example logCheckFailure(deps.logger, 'api_key_validation', err);
 */
export function logCheckFailure(logger: Logger, check: string, err: unknown): void {
  logger.warn('auth health check failed', { check, err });
}

/**
 * The status and message of a check that is not healthy: `{status: 'error', error}` or `{status: 'warning', warning}`.
 * @example return { ...base, ...problem('warning', 'INTERNAL_SIGNING_KEY is not set') };
 */
export function problem(status: Exclude<CheckStatus, 'healthy'>, message: string): CheckResult {
  return status === 'error' ? { status, error: message } : { status, warning: message };
}
