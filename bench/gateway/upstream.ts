import { createRoute, z } from '@hono/zod-openapi';
import type { Logger } from '../../lib/logging/logger.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { Readiness } from '../../lib/readiness/readiness.ts';

const PING = { ok: true, service: 'kb', message: 'pong' } as const;

/** The benchmark's internal service: a real service app (request id, access log) answering a fixed small JSON. */
export function createBenchUpstream(logger: Logger) {
  const app = createServiceApp({ service: 'kb', version: 'bench', logger, readiness: new Readiness(logger) });
  const route = createRoute({
    method: 'get',
    path: '/api/v1/kb/ping',
    responses: { 200: { description: 'pong', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } } },
  });
  app.openapi(route, (c) => c.json(PING, 200));
  return app;
}
