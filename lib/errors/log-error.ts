import type { Context } from 'hono';
import type { Logger } from '../logging/logger.ts';
import { ApiError } from './api-error.ts';
import { ErrorCode } from './codes.ts';

/**
 * The `log` of {@link onError} for a service's logger. A refusal thrown on purpose — an {@link ApiError} with a code
 * other than `INTERNAL` (not ready, semantic search unavailable, an upstream down...) — is logged at `warn` as
 * `request refused` with its code and message (and its cause, if any); anything else is a bug and is logged at
 * `error` as `unhandled error` with the error and its stack.
 * @example app.onError(onError({ log: logThrown(logger) }));
 */
export function logThrown(logger: Logger): (err: unknown, c: Context) => void {
  return function logError(err, c) {
    const requestId = c.get('requestId' as never) as string | undefined;
    if (err instanceof ApiError && err.code !== ErrorCode.INTERNAL) {
      const cause = err.cause === undefined ? {} : { cause: err.cause };
      logger.warn('request refused', { requestId, code: err.code, status: err.status, message: err.message, ...cause });
      return;
    }
    logger.error('unhandled error', { requestId, err });
  };
}
