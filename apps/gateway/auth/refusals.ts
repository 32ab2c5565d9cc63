import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../../../lib/errors/api-error.ts';
import type { ErrorCode } from '../../../lib/errors/codes.ts';
import { openAiErrorBody } from '../../../lib/openai/errors.ts';
import { wireFormat } from './paths.ts';

/** GAIA's 401 bodies (GAIA-API §3) and the other `detail`s the gateway answers GAIA clients with. */
export const GAIA_DETAIL = {
  notAuthenticated: 'Not authenticated. Provide a valid JWT or API Key.',
  invalidKey: 'Could not validate credentials',
  storeFailure: 'Authentication service error',
  rateLimited: 'Rate limit exceeded',
  limiterUnavailable: 'Service rate limiter unavailable',
} as const;

export interface Refusal {
  status: ContentfulStatusCode;
  /** GAIA's `detail` on GAIA paths. */
  detail: string;
  /** Our envelope elsewhere. */
  code: ErrorCode;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
}

/**
 * Ends the request in the path's wire format (see `wireFormat`): GAIA paths get `{"detail": ...}` with the status,
 * OpenAI-compatible ones OpenAI's error body, our routes the error envelope (by throwing an `ApiError` the app's
 * `onError` renders).
 * @example return refuse(c, { status: 401, detail: GAIA_DETAIL.notAuthenticated, code: 'UNAUTHENTICATED', message: 'Authentication required' });
 */
export function refuse(c: Context, refusal: Refusal): Response {
  const format = wireFormat(c.req.path, c.req.method);
  if (format === 'gaia') return c.json({ detail: refusal.detail }, refusal.status, refusal.headers);
  if (format === 'openai') {
    return c.json(openAiErrorBody(refusal.status, refusal.message, refusal.code.toLowerCase()), refusal.status, refusal.headers);
  }
  throw new ApiError(refusal.code, refusal.message, {
    ...(refusal.details === undefined ? {} : { details: refusal.details }),
    ...(refusal.headers ? { headers: refusal.headers } : {}),
  });
}
