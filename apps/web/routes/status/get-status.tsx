import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { type PlatformStatus, StatusPanel, StatusUnavailable } from '../../views/status-panel.tsx';

/** `GET /partials/status`: the status panel, from the gateway's `/health`. */
export function registerGetStatus(app: OpenAPIHono<AppEnv>, deps: WebDeps): void {
  app.get('/partials/status', async (c) => {
    try {
      const res = await deps.gateway(
        new Request('http://gateway/health', { headers: { 'x-request-id': c.get('requestId') }, signal: AbortSignal.timeout(5_000) }),
      );
      if (!res.ok) return c.html(<StatusUnavailable reason={`status ${res.status}`} />);
      return c.html(<StatusPanel health={(await res.json()) as PlatformStatus} />);
    } catch (err) {
      deps.logger.warn('gateway unreachable from web', { error: String(err) });
      return c.html(<StatusUnavailable reason="unreachable" />);
    }
  });
}
