import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../env.ts';

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Adds `Server-Timing: gateway;dur=<own overhead ms>[, upstream;dur=<service ms>]` to every response.
 * Put first so it covers the whole stack; for streams it measures up to the response headers.
 */
export function serverTiming(): MiddlewareHandler<GatewayEnv> {
  return async function serverTiming(c, next) {
    const start = performance.now();
    await next();
    const total = performance.now() - start;
    const upstream = c.get('upstreamMs');
    const value =
      upstream === undefined
        ? `gateway;dur=${round(total)}`
        : `gateway;dur=${round(Math.max(0, total - upstream))}, upstream;dur=${round(upstream)}`;
    c.res.headers.set('Server-Timing', value);
  };
}
