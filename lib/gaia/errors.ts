import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { ApiError } from '../errors/api-error.ts';
import { unstorableParameter } from '../errors/handler.ts';

/**
 * An error on a GAIA-compatible route: GAIA clients read `{"detail": "<message>"}` (FastAPI's shape), or for
 * `POST /api/v0.3/chat` a few `{"error": "<message>"}` bodies — see GAIA-API.md §2.
 * @example throw new GaiaError(404, 'Conversation not found');
 */
export class GaiaError extends Error {
  readonly status: ContentfulStatusCode;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: ContentfulStatusCode, detail: string, options: { key?: 'detail' | 'error'; headers?: Record<string, string> } = {}) {
    super(detail);
    this.name = 'GaiaError';
    this.status = status;
    this.body = { [options.key ?? 'detail']: detail };
    this.headers = options.headers ?? {};
  }
}

/** One FastAPI validation item: `{"type","loc","msg","input"}`. */
export interface FastApiIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
}

const FASTAPI_TYPE: Record<string, string> = {
  invalid_type: 'missing',
  too_small: 'value_error',
  too_big: 'value_error',
  invalid_format: 'value_error',
  invalid_value: 'enum',
};

/** Zod issues as FastAPI's 422 list; `location` is FastAPI's first `loc` element (`body`, `query`, `header`). */
export function fastApiIssues(error: ZodError, location: string, input: unknown): FastApiIssue[] {
  return error.issues.map((issue) => {
    let value: unknown = input;
    for (const key of issue.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    const missing = issue.code === 'invalid_type' && value === undefined;
    return {
      type: missing ? 'missing' : (FASTAPI_TYPE[issue.code] ?? 'value_error'),
      loc: [location, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
      msg: missing ? 'Field required' : issue.message,
      input: missing ? null : (value ?? null),
    };
  });
}

const TARGET_LOCATION: Record<string, string> = { json: 'body', query: 'query', header: 'header', param: 'path', form: 'body', cookie: 'cookie' };

/**
 * zod-openapi `defaultHook` for GAIA routes: validation failures answer 422 with FastAPI's list; a query, path or
 * header value with text PostgreSQL cannot store (NUL, unpaired surrogates) answers 400 `{"detail": "<why>"}`.
 */
export function gaiaValidationHook(
  result: ({ success: true } | { success: false; error: ZodError }) & { target?: string; data?: unknown },
  c: Context,
): Response | undefined {
  const unstorable = unstorableParameter(result);
  if (unstorable) return c.json({ detail: unstorable.message }, 400);
  if (result.success) return undefined;
  const location = TARGET_LOCATION[result.target ?? 'json'] ?? 'body';
  return c.json({ detail: fastApiIssues(result.error, location, result.data) }, 422);
}

/**
 * `onError` for GAIA routes: `GaiaError` as its body; malformed JSON as 400 `Invalid JSON body`; an `ApiError` from
 * a shared layer (a body that is not UTF-8 or holds NUL, too large, a service unavailable...) as
 * `{"detail": "<message>"}` with its status and headers (its messages are written for callers; 5xx are logged);
 * anything else as 500 `Internal server error` (logged, never shown).
 */
export function gaiaOnError(options: { log?: (err: unknown, c: Context) => void } = {}): ErrorHandler {
  return function handleGaiaError(err, c) {
    if (err instanceof GaiaError) return c.json(err.body, err.status, err.headers);
    if (err instanceof ApiError) {
      if (err.status >= 500) options.log?.(err, c);
      return c.json({ detail: err.message }, err.status, err.headers);
    }
    if (err instanceof HTTPException) {
      if (/malformed json/i.test(err.message)) return c.json({ detail: 'Invalid JSON body' }, 400);
      if (err.status === 415) return c.json({ detail: 'Unsupported Media Type' }, 415);
      if (err.status < 500) return c.json({ detail: err.message || 'Request failed' }, err.status as ContentfulStatusCode);
    }
    options.log?.(err, c);
    return c.json({ detail: 'Internal server error' }, 500);
  };
}
