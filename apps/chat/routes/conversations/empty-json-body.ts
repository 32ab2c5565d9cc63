import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../../../lib/http/env.ts';

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Route middleware for optional JSON bodies: a request that says `Content-Type: application/json` but sends nothing
 * (or only whitespace) is read as `{}` instead of failing as malformed JSON (GAIA-API §8.1: "an empty body is `{}`").
 * @example createRoute({ method: 'post', path: '/conversations', middleware: [emptyJsonBody()] as const, ... })
 */
export function emptyJsonBody(): MiddlewareHandler<AppEnv> {
  return async function emptyJsonBody(c, next) {
    const raw = c.req.raw;
    if (raw.body !== null && JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      const text = await raw.clone().text();
      if (text.trim() === '') c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, body: '{}' });
    }
    await next();
  };
}
