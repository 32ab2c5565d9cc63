import type { OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { codeForStatus } from '../../../../lib/errors/codes.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { parseSse } from '../../../../lib/sse/sse.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { AssetJobEventSchema } from '../../gateway/schemas.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { isAssetId, isLive } from '../../views/assets/asset-paths.ts';
import { stateText } from '../../views/assets/job-card.tsx';

/**
 * `GET /assets/jobs/{id}/events`: relays the asset service's event stream of the user's job to the page as
 * server-sent events `progress`, `state`, `result`, `heartbeat`, each `{state, progress, text}`, ending with the job.
 * Stops the upstream stream when the browser goes away.
 */
export function registerGetJobEvents(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.get('/assets/jobs/:id/events', requireSession(sessions, { signedOut: 'unauthorized' }), async (c) => {
    const id = c.req.param('id');
    if (!isAssetId(id)) throw new ApiError('NOT_FOUND', 'No such job');
    const upstream = new AbortController();
    const res = await callAsUser(deps, sessions, c, {
      path: `/api/v1/assets/jobs/${id}/events`,
      accept: 'text/event-stream',
      signal: upstream.signal,
    });
    if (!res.ok || !res.body) throw new ApiError(res.status >= 500 ? 'BAD_GATEWAY' : codeForStatus(res.status), await errorMessage(res));
    const body = res.body;
    return streamSSE(
      c,
      async (stream) => {
        stream.onAbort(() => upstream.abort());
        for await (const event of parseSse(body)) {
          let json: unknown;
          try {
            json = JSON.parse(event.data);
          } catch {
            continue;
          }
          const parsed = AssetJobEventSchema.safeParse(json);
          if (!parsed.success) continue;
          const { type, job } = parsed.data;
          await stream.writeSSE({ event: type, data: JSON.stringify({ state: job.state, progress: job.progress, text: stateText(job) }) });
          if (!isLive(job)) return;
        }
        await stream.writeSSE({ event: 'end', data: '{}' });
      },
      async (err, stream) => {
        deps.logger.warn('asset job stream interrupted', { requestId: c.get('requestId'), error: String(err) });
        await stream.writeSSE({ event: 'end', data: '{}' });
      },
    );
  });
}
