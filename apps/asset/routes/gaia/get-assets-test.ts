import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';

export const AssetsTestSchema = z
  .object({
    status: z.literal('ok'),
    service: z.literal('asset-service'),
    message: z.string(),
    timestamp: z.string(),
  })
  .openapi('GaiaAssetsTest');
export type AssetsTest = z.infer<typeof AssetsTestSchema>;

export const getAssetsTestRoute = createRoute({
  method: 'get',
  path: '/api/v1/assets/test',
  operationId: 'getAssetsTest',
  tags: ['assets'],
  summary: "GAIA's asset-service liveness check (no credentials needed)",
  responses: { 200: { description: 'The service is running', content: { 'application/json': { schema: AssetsTestSchema } } } },
});

/** Registers GAIA's `GET /api/v1/assets/test` (GAIA-API §11); public (`PUBLIC_PATHS.asset`). */
export function registerGetAssetsTest(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getAssetsTestRoute, (c) =>
    c.json(
      { status: 'ok' as const, service: 'asset-service' as const, message: 'Asset service is running', timestamp: new Date().toISOString() },
      200,
    ),
  );
}
