import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { visibleJob } from '../../service/access.ts';
import { jobView } from '../../views/job-view.ts';
import { IdParamsSchema, json } from '../schemas.ts';
import { JobSchema } from './schemas.ts';

export const getAssetJobRoute = createRoute({
  method: 'get',
  path: '/api/v1/assets/jobs/{id}',
  operationId: 'getAssetJob',
  tags: ['assets'],
  summary: 'One job: state, progress, attempts, cost, result or error',
  middleware: [requirePermission('asset:read')] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: json(JobSchema, 'The job'),
    404: json(ErrorEnvelopeSchema, 'No such job, or not the caller’s'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `GET /api/v1/assets/jobs/{id}`: the caller's job (any job for `asset:admin`). */
export function registerGetAssetJob(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(getAssetJobRoute, async (c) => {
    const { core } = deps;
    const job = await visibleJob(core, principalOf(c), c.req.valid('param').id);
    const asset = job.assetId ? await core.assets.get(core.db, job.assetId) : null;
    return c.json(jobView(job, asset, core.behaviour.publicBaseUrl), 200);
  });
}
