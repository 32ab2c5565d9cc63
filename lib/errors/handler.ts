import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { findInputProblem, formatInputPath } from '../http/input-text.ts';
import { ApiError } from './api-error.ts';
import { codeForStatus, ErrorCode } from './codes.ts';
import { errorBody } from './envelope.ts';

function requestIdOf(c: Context): string {
  return (c.get('requestId' as never) as string | undefined) ?? c.req.header('x-request-id') ?? 'unknown';
}

function respond(c: Context, err: ApiError): Response {
  const body = errorBody(err.code, err.message, requestIdOf(c), err.details);
  return c.json(body, err.status as ContentfulStatusCode, err.headers);
}

/** Maps anything thrown to an {@link ApiError}; unknown errors become a generic 500 (details stay in the log). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const code = /malformed json/i.test(err.message) ? ErrorCode.INVALID_JSON : codeForStatus(err.status);
    const message = code === ErrorCode.INVALID_JSON ? 'Malformed JSON in request body' : err.message || 'Request failed';
    return new ApiError(code, message, { cause: err });
  }
  return new ApiError(ErrorCode.INTERNAL, 'Internal server error', { cause: err });
}

/**
 * `app.onError(onError({ log: logThrown(logger) }))`: every thrown error leaves as the envelope; 5xx are logged
 * with their cause (`logThrown`: refusals with a known code at warn, bugs at error).
 */
export function onError(options: { log?: (err: unknown, c: Context) => void } = {}): ErrorHandler {
  return function handleError(err, c) {
    const apiError = toApiError(err);
    if (apiError.status >= 500) options.log?.(err, c);
    return respond(c, apiError);
  };
}

export const notFound: NotFoundHandler = function notFound(c) {
  return respond(c, new ApiError(ErrorCode.NOT_FOUND, `No route for ${c.req.method} ${c.req.path}`));
};

/** Formats zod issues as `path: message` entries for the envelope's `details`. */
export function zodIssues(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
}

/**
 * The NUL or unpaired surrogate in a validated query, path or header value, as a 400 `VALIDATION_FAILED` error
 * (JSON bodies are checked before validation, by `strictJsonBody`). PostgreSQL cannot store such text.
 * @example const refused = unstorableParameter(result); if (refused) throw refused;
 */
export function unstorableParameter(result: { target?: string; data?: unknown }): ApiError | undefined {
  if (result.target === undefined || result.target === 'json') return undefined;
  const problem = findInputProblem(result.data);
  if (!problem) return undefined;
  const path = formatInputPath(problem.path);
  return new ApiError(ErrorCode.VALIDATION_FAILED, `Invalid request in ${result.target}: ${path}: ${problem.message}`, {
    details: [{ path, message: problem.message }],
  });
}

/**
 * The zod-openapi `defaultHook`: a failed validation becomes a 400 envelope listing every issue; so does a query,
 * path or header value with text PostgreSQL cannot store (NUL, unpaired surrogates), valid or not.
 */
export function defaultHook(
  result: ({ success: true } | { success: false; error: ZodError }) & { target?: string; data?: unknown },
  c: Context,
): Response | undefined {
  const unstorable = unstorableParameter(result);
  if (unstorable) return respond(c, unstorable);
  if (result.success) return undefined;
  const issues = zodIssues(result.error);
  const where = result.target ? ` in ${result.target}` : '';
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return respond(c, new ApiError(ErrorCode.VALIDATION_FAILED, `Invalid request${where}: ${summary}`, { details: issues }));
}
