import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { KbDeps } from '../../deps.ts';
import { IndexReportSchema, indexReportBody } from '../schemas.ts';

export const postReindexRoute = createRoute({
  method: 'post',
  path: '/api/v1/kb/reindex',
  operationId: 'postKbReindex',
  tags: ['kb'],
  summary: 'Re-indexes every document (kb admins); progress as server-sent events when asked for',
  description:
    'With `Accept: text/event-stream` the answer is a stream of `progress` events (`{phase, done, total}`) ending ' +
    'with one `done` event (the report) or an `error` event. Otherwise the report comes as JSON when the run ends. ' +
    '`GET /api/v1/kb/sync` also shows the progress of a run.',
  middleware: [requirePermission('kb:admin')] as const,
  responses: {
    200: {
      description: 'The report (JSON), or the progress stream',
      content: { 'application/json': { schema: IndexReportSchema }, 'text/event-stream': { schema: { type: 'string' } } },
    },
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /api/v1/kb/reindex`. */
export function registerPostReindex(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(postReindexRoute, async (c) => {
    deps.kb.runtime();
    if (!(c.req.header('accept') ?? '').includes('text/event-stream')) {
      return c.json(indexReportBody(await deps.kb.reindex()), 200);
    }
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      let last = 0;
      const run = deps.kb.reindex((progress) => {
        const now = Date.now();
        if (now - last < 100 && progress.done < progress.total) return;
        last = now;
        void stream.writeSSE({ event: 'progress', data: JSON.stringify(progress) });
      });
      try {
        const report = await run;
        await stream.writeSSE({ event: 'done', data: JSON.stringify(indexReportBody(report)) });
      } catch (err) {
        deps.logger.error('reindex failed', { error: err instanceof Error ? err.message : String(err) });
        await stream.writeSSE({ event: 'error', data: JSON.stringify({ code: 'INTERNAL', message: 'Reindex failed; see the kb service log' }) });
      }
    }) as never;
  });
}
