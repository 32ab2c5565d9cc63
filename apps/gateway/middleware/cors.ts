import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';

export interface CorsOptions {
  /** Allowed browser origins; `['*']` allows any. */
  origins: string[];
}

/**
 * Hono's CORS middleware, run only for requests that carry an `Origin` header (browsers). Hono's sets its headers
 * on `c.res` before the handler runs, which makes Hono rebuild every response around a body stream (the slow path
 * of @hono/node-server); API clients without `Origin` skip that entirely.
 */
export function cors(options: CorsOptions): MiddlewareHandler {
  const handle = honoCors({
    origin: options.origins.includes('*') ? '*' : options.origins,
    allowHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id', 'X-Response-Format', 'If-Match', 'If-None-Match'],
    exposeHeaders: ['X-Request-Id', 'Server-Timing', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'ETag', 'X-Cache', 'X-Next-Cursor'],
    maxAge: 600,
  });
  return async function corsForBrowsers(c, next) {
    if (c.req.header('origin') === undefined) return next();
    return handle(c, next);
  };
}
