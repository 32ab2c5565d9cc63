import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { submitRequest } from '../../service/submit.ts';
import { jobView } from '../../views/job-view.ts';
import { jobPath } from '../../views/links.ts';
import { json } from '../schemas.ts';
import { JobRequestSchema, JobSchema } from './schemas.ts';

export const postAssetJobRoute = createRoute({
  method: 'post',
  path: '/api/v1/assets/jobs',
  operationId: 'postAssetJob',
  tags: ['assets'],
  summary: 'Starts an asset generation (or returns an existing asset that matches)',
  description:
    '202 with the job: `queued` for a new generation, `succeeded` with `source: database` when an existing asset was ' +
    'returned, or the caller’s job already queued or running for the same request. Follow it with `GET …/jobs/{id}` or ' +
    'its SSE `…/events`.',
  middleware: [requirePermission('asset:write')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: JobRequestSchema } } } },
  responses: {
    202: json(JobSchema, 'The job'),
    402: json(ErrorEnvelopeSchema, '`BUDGET_EXCEEDED` or `COST_LIMIT_EXCEEDED` (details name the budget and when it resets)'),
    404: json(ErrorEnvelopeSchema, 'Nothing matches and `preferences.allow_generation` is false'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /api/v1/assets/jobs` → 202 job (with `Location`). */
export function registerPostAssetJob(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(postAssetJobRoute, async (c) => {
    const { job, asset } = await submitRequest(deps.core, principalOf(c), c.req.valid('json'));
    return c.json(jobView(job, asset, deps.core.behaviour.publicBaseUrl), 202, { Location: jobPath(job.id) });
  });
}
