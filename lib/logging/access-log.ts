import type { MiddlewareHandler } from 'hono';
import type { Logger } from './logger.ts';

export interface AccessLogOptions {
  logger: Logger;
  /** Paths that are not logged on success (health probes would drown the log). */
  quietPaths?: string[];
}

/** 502, 503 and 504 name a dependency that is down or slow (or not ready yet), not a bug: logged at warn. */
const DEPENDENCY_STATUSES = new Set([502, 503, 504]);

/**
 * One structured line per request (at info; 502/503/504 at warn; other 5xx, i.e. bugs, at error): request id, method, path (no query string: it may carry secrets), status, duration.
 * @example app.use(accessLog({ logger }));
 */
export function accessLog(options: AccessLogOptions): MiddlewareHandler {
  const quiet = new Set(options.quietPaths ?? ['/health', '/ready']);
  return async function accessLog(c, next) {
    const start = performance.now();
    await next();
    const status = c.res.status;
    if (status < 400 && quiet.has(c.req.path)) return;
    const fields = {
      requestId: c.get('requestId' as never) as string | undefined,
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - start) * 100) / 100,
    };
    if (status >= 500 && !DEPENDENCY_STATUSES.has(status)) options.logger.error('request', fields);
    else if (status >= 500) options.logger.warn('request', fields);
    else options.logger.info('request', fields);
  };
}
