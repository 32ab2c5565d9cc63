import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { aggregateHealth } from '../../health/aggregate.ts';
import type { GatewayDeps } from '../../deps.ts';
import type { GatewayEnv } from '../../env.ts';

const Part = z.object({ status: z.enum(['healthy', 'unhealthy']), error: z.string().optional() });

export const PlatformHealthSchema = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    timestamp: z.string(),
    version: z.string(),
    services: z.record(z.string(), Part.extend({ response_time: z.number().optional() })),
    database: Part.extend({ database: z.literal('postgresql'), responsive: z.boolean() }),
    redis: Part.extend({ connected: z.boolean() }).optional(),
  })
  .openapi('PlatformHealth');

export const getHealthRoute = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getPlatformHealth',
  tags: ['system'],
  summary: 'Health of the platform: every service, the database and Redis (always 200)',
  responses: { 200: { description: 'Health report', content: { 'application/json': { schema: PlatformHealthSchema } } } },
});

export function registerGetHealth(app: OpenAPIHono<GatewayEnv>, deps: GatewayDeps): void {
  app.openapi(getHealthRoute, async (c) =>
    c.json(
      await aggregateHealth({ services: deps.services, probes: deps.probes, timeoutMs: deps.options.healthTimeoutMs }),
      200,
    ),
  );
}
