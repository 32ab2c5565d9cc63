import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../../lib/logging/logger.ts';
import { rateLimitHeaders } from '../../../lib/ratelimit/headers.ts';
import type { RateLimitDecision, RateLimiter } from '../../../lib/ratelimit/types.ts';
import { isGatewayOwnPath } from '../auth/paths.ts';
import { GAIA_DETAIL, refuse } from '../auth/refusals.ts';
import type { GatewayEnv } from '../env.ts';
import { clientIp } from './client-ip.ts';
import { chargeFor, type RateLimitSettings } from './rules.ts';

export interface RateLimitOptions {
  limiter: RateLimiter;
  settings: RateLimitSettings;
  /** Take the client IP from `Fly-Client-IP` / `X-Forwarded-For` (only behind a proxy that sets them). */
  trustProxy: boolean;
  logger: Logger;
  /** At most one warning per this many ms while the limiter fails. Default 30 s. */
  warnEveryMs?: number;
}

/** How long a client is asked to wait when a login-class route is refused because the limiter is down. */
const UNAVAILABLE_RETRY_AFTER_S = '5';

/**
 * Counts every request once against its caller's limit (see `chargeFor`): authenticated identities per API key or
 * user, anonymous callers and login-class routes per client IP. Allowed responses carry `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset`; denied ones are 429 with `Retry-After` too — GAIA paths
 * `{"detail":"Rate limit exceeded"}`, our routes the `RATE_LIMITED` envelope. When the limiter's store is down,
 * ordinary requests pass without headers (fail open, one warning per `warnEveryMs`) and login-class routes answer
 * 503 (fail closed: no unthrottled password guessing). The gateway's own routes are not limited.
 * @example app.use(rateLimit({ limiter, settings, trustProxy: false, logger }));
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<GatewayEnv> {
  const { limiter, settings, trustProxy, logger } = options;
  const warnEveryMs = options.warnEveryMs ?? 30_000;
  let lastWarning = Number.NEGATIVE_INFINITY;
  let failuresSinceWarning = 0;

  const warn = (err: unknown, failClosed: boolean) => {
    failuresSinceWarning++;
    const at = Date.now();
    if (at - lastWarning < warnEveryMs) return;
    logger.warn(failClosed ? 'rate limiter unavailable: refusing login-class requests' : 'rate limiter unavailable: allowing requests unlimited', {
      error: err instanceof Error ? err.message : String(err),
      failures: failuresSinceWarning,
    });
    lastWarning = at;
    failuresSinceWarning = 0;
  };

  return async function rateLimit(c, next) {
    const path = c.req.path;
    if (isGatewayOwnPath(path)) return next();
    const charge = chargeFor(path, c.var.principal, clientIp(c.env, c.req.raw.headers, trustProxy), settings);

    let decision: RateLimitDecision;
    try {
      decision = await limiter.consume(charge.key, charge.rule);
    } catch (err) {
      warn(err, charge.failClosed);
      if (!charge.failClosed) return next();
      return refuse(c, {
        status: 503,
        detail: GAIA_DETAIL.limiterUnavailable,
        code: 'SERVICE_UNAVAILABLE',
        message: 'Rate limiting is unavailable, so this route is closed for now; try again shortly',
        headers: { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S },
      });
    }

    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      return refuse(c, {
        status: 429,
        detail: GAIA_DETAIL.rateLimited,
        code: 'RATE_LIMITED',
        message: `Rate limit exceeded: ${decision.limit} requests per minute`,
        details: { limit: decision.limit, retryAfterSeconds: Number(headers['Retry-After']) },
        headers,
      });
    }
    await next();
    for (const name in headers) c.res.headers.set(name, headers[name] as string);
  };
}
