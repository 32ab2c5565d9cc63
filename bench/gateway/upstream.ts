import { createRoute, z } from '@hono/zod-openapi';
import type { Logger } from '../../lib/logging/logger.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { Readiness } from '../../lib/readiness/readiness.ts';

/** The public GAIA route the benchmarks call (GAIA-API §11); the gateway forwards it to the asset service. */
export const BENCH_PATH = '/api/v1/assets/test';

const BODY = { status: 'ok', service: 'asset-service', message: 'Asset service is running', timestamp: '2026-01-01T00:00:00.000Z' };

/**
 * The benchmarks' internal service: a real service app (request id, access log) answering a fixed small JSON on a
 * public route, so the same request can be sent with or without credentials.
 */
export function createBenchUpstream(logger: Logger) {
  const app = createServiceApp({ service: 'asset', version: 'bench', logger, readiness: new Readiness(logger) });
  const route = createRoute({
    method: 'get',
    path: BENCH_PATH,
    responses: { 200: { description: 'pong', content: { 'application/json': { schema: z.object({ status: z.string() }) } } } },
  });
  app.openapi(route, (c) => c.json(BODY, 200));
  return app;
}
