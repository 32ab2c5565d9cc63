import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../errors/api-error.ts';
import { ErrorEnvelopeSchema } from '../errors/envelope.ts';
import type { AppEnv } from '../http/env.ts';
import type { Readiness } from '../readiness/readiness.ts';

export const ServiceHealthSchema = z
  .object({
    status: z.literal('healthy'),
    service: z.string(),
    version: z.string(),
    timestamp: z.string(),
    uptime_s: z.number(),
  })
  .openapi('ServiceHealth');

export const ReadySchema = z
  .object({
    ready: z.boolean(),
    components: z.record(
      z.string(),
      z.object({ status: z.enum(['starting', 'ready', 'failing']), attempts: z.number(), error: z.string().optional() }),
    ),
  })
  .openapi('Readiness');

export const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  tags: ['system'],
  summary: 'Liveness: answers at once while the process runs',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: ServiceHealthSchema } } } },
});

export const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  operationId: 'getReady',
  tags: ['system'],
  summary: 'Readiness: 200 once every dependency is up, else 503 naming what is not',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: ErrorEnvelopeSchema } } },
  },
});

export interface SystemRouteOptions {
  service: string;
  version: string;
  readiness: Readiness;
  startedAt?: number;
}

/** Registers `/health` and `/ready` on a service app. */
export function registerSystemRoutes(app: OpenAPIHono<AppEnv>, options: SystemRouteOptions): void {
  registerHealthRoute(app, options);
  registerReadyRoute(app, options.readiness);
}

/** `GET /health`: liveness, answered without touching any dependency. */
export function registerHealthRoute(app: OpenAPIHono<AppEnv>, options: Omit<SystemRouteOptions, 'readiness'>): void {
  const startedAt = options.startedAt ?? Date.now();
  app.openapi(healthRoute, (c) =>
    c.json(
      {
        status: 'healthy' as const,
        service: options.service,
        version: options.version,
        timestamp: new Date().toISOString(),
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
      },
      200,
    ),
  );
}

/** `GET /ready`: 200 with every component's state, or a 503 `NOT_READY` envelope naming what is not ready. */
export function registerReadyRoute<E extends AppEnv>(app: OpenAPIHono<E>, readiness: Readiness): void {
  app.openapi(readyRoute, async (c) => {
    const snapshot = await readiness.check();
    if (snapshot.ready) return c.json(snapshot, 200);
    const waiting = Object.entries(snapshot.components)
      .filter(([, s]) => s.status !== 'ready')
      .map(([name, s]) => (s.error ? `${name} (${s.error})` : `${name} (${s.status})`));
    throw new ApiError('NOT_READY', `Not ready: ${waiting.join(', ')}`, {
      details: snapshot,
      headers: { 'Retry-After': '1' },
    });
  });
}
