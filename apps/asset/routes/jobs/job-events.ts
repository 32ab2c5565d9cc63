import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { sseResponse } from '../../../../lib/sse/sse.ts';
import type { AssetDeps } from '../../deps.ts';
import { visibleJob } from '../../service/access.ts';
import { watchJob } from '../../service/watch.ts';
import { IdParamsSchema, json } from '../schemas.ts';
import { JobSchema } from './schemas.ts';

export const JobEventSchema = z
  .object({ type: z.enum(['state', 'progress', 'result', 'heartbeat']), job: JobSchema })
  .openapi('AssetJobEvent', { description: 'One `data:` line of the stream' });

export const assetJobEventsRoute = createRoute({
  method: 'get',
  path: '/api/v1/assets/jobs/{id}/events',
  operationId: 'assetJobEvents',
  tags: ['assets'],
  summary: "A job's progress, state changes and result over SSE",
  description:
    'Server-sent events, one JSON `data:` line each (`{"type","job"}`): first the job as it is now, then every change — ' +
    '`progress`, `state` (queued again for a retry, running, failed, cancelled) and `result` (succeeded, with the asset) — ' +
    'whichever instance runs it; after 15 s without news a `heartbeat` repeats the job. The stream ends when the job is finished.',
  middleware: [requirePermission('asset:read')] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: 'The event stream', content: { 'text/event-stream': { schema: JobEventSchema } } },
    404: json(ErrorEnvelopeSchema, 'No such job, or not the caller’s'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `GET /api/v1/assets/jobs/{id}/events` → SSE of `{type, job}` until the job is finished. */
export function registerAssetJobEvents(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(assetJobEventsRoute, async (c) => {
    const job = await visibleJob(deps.core, principalOf(c), c.req.valid('param').id);
    return sseResponse(watchJob(deps.core, job.id, c.req.raw.signal), { 'X-Request-Id': c.get('requestId') });
  });
}
