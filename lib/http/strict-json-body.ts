import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors/api-error.ts';
import { findInputProblem, formatInputPath, MAX_JSON_DEPTH } from './input-text.ts';

/** The media types zod-openapi (and Hono's validator) read as JSON: `application/json`, `application/*+json`. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

const mediaTypeOf = (contentType: string) => (contentType.split(';')[0] as string).trim();

/**
 * Route middleware that reads a JSON request body strictly before the route's validator does: bytes that are not
 * UTF-8 → 400 `INVALID_JSON` "Request body is not valid UTF-8" (instead of being decoded to U+FFFD and stored);
 * JSON holding NUL or unpaired surrogates (in a value or a key), nested deeper than `maxDepth`, or with a `__proto__`
 * (or `constructor.prototype`) key → 400 `VALIDATION_FAILED` naming the field. Malformed JSON and empty bodies are
 * left to the validator, which reports them as it always has. Errors are thrown, so each router's `onError` renders
 * them in its route's format (the envelope, or GAIA's `{"detail": ...}`). The body stays readable through
 * `c.req.json()` / `text()` / `arrayBuffer()` (same bytes); `c.req.raw`'s stream is consumed.
 * `createRouter()` adds it to every route that declares a JSON body.
 * @example createRoute({ method: 'post', path: '/items', middleware: [strictJsonBody()], ... })
 */
export function strictJsonBody(options: { maxDepth?: number } = {}): MiddlewareHandler {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return async function strictJsonBody(c, next) {
    const contentType = c.req.header('content-type');
    if (!contentType || !JSON_MEDIA_TYPE.test(mediaTypeOf(contentType)) || c.req.raw.body === null) return next();
    const bytes = await c.req.arrayBuffer();
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new ApiError('INVALID_JSON', 'Request body is not valid UTF-8: send JSON text encoded as UTF-8');
    }
    // Hono caches body promises (its `BodyCache` type says plain values): the validator's `c.req.json()` reads this
    // text instead of decoding the bytes again.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return next();
    }
    const problem = findInputProblem(parsed, maxDepth);
    if (problem) {
      const path = formatInputPath(problem.path);
      throw new ApiError('VALIDATION_FAILED', `Invalid request body: ${path}: ${problem.message}`, {
        details: [{ path, message: problem.message }],
      });
    }
    await next();
  };
}
