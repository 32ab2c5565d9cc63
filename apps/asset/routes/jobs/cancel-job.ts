import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { cancelJob } from '../../service/cancel.ts';
import { jobView } from '../../views/job-view.ts';
import { IdParamsSchema, json } from '../schemas.ts';
import { JobSchema } from './schemas.ts';

export const cancelAssetJobRoute = createRoute({
  method: 'post',
  path: '/api/v1/assets/jobs/{id}/cancel',
  operationId: 'cancelAssetJob',
  tags: ['assets'],
  summary: 'Cancels a queued or running job (its worker stops within a second; the budget reservation is released)',
  middleware: [requirePermission('asset:write')] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: json(JobSchema, 'The cancelled job'),
    404: json(ErrorEnvelopeSchema, 'No such job, or not the caller’s'),
    409: json(ErrorEnvelopeSchema, 'The job already finished'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /api/v1/assets/jobs/{id}/cancel` → the job, `cancelled`. */
export function registerCancelAssetJob(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(cancelAssetJobRoute, async (c) => {
    const job = await cancelJob(deps.core, principalOf(c), c.req.valid('param').id);
    return c.json(jobView(job, null, deps.core.behaviour.publicBaseUrl), 200);
  });
}
