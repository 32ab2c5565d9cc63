import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { GatewayEnv } from '../../env.ts';

export const BannerSchema = z
  .object({
    message: z.string(),
    versions: z.object({ v1: z.string(), 'v0.3': z.string() }),
    note: z.string(),
  })
  .openapi('Banner');

const BANNER = {
  message: 'LLM Platform API is running',
  versions: { v1: '/api/v1 (original endpoints)', 'v0.3': '/api/v0.3 (clean API without provider details)' },
  note: 'Use v0.3 for the clean, simplified API or v1 for OpenAI compatibility.',
} as const;

export const getRootRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getRoot',
  tags: ['system'],
  summary: 'GAIA banner naming the API versions',
  responses: { 200: { description: 'Banner', content: { 'application/json': { schema: BannerSchema } } } },
});

export function registerGetRoot(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getRootRoute, (c) => c.json(BANNER, 200));
}
