import { OpenAPIHono } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import { defaultHook, notFound, onError } from '../../lib/errors/handler.ts';
import { requestId } from '../../lib/http/request-id.ts';
import { accessLog } from '../../lib/logging/access-log.ts';
import { registerReadyRoute } from '../../lib/openapi/system-routes.ts';
import type { GatewayDeps } from './deps.ts';
import type { GatewayEnv } from './env.ts';
import { bodyLimit } from './middleware/body-limit.ts';
import { cors } from './middleware/cors.ts';
import { serverTiming } from './middleware/server-timing.ts';
import { proxyTo } from './proxy/proxy.ts';
import { registerGetDocs } from './routes/docs/get-docs.ts';
import { registerGetHealth } from './routes/health/get-health.ts';
import { registerGetOpenApi } from './routes/openapi/get-openapi.ts';
import { PROXY_TABLE } from './routes/proxy-table.ts';
import { registerGetRoot } from './routes/root/get-root.ts';

/**
 * The public gateway: request id, access log, CORS, secure headers, body limit and `Server-Timing` on every
 * response; its own system routes; everything in {@link PROXY_TABLE} streamed to the owning service.
 */
export function createApp(deps: GatewayDeps): OpenAPIHono<GatewayEnv> {
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook });
  const { options, logger } = deps;

  app.use(serverTiming());
  app.use(requestId());
  app.use(accessLog({ logger }));
  app.use(cors({ origins: options.corsOrigins }));
  app.use(secureHeaders({ crossOriginResourcePolicy: false, crossOriginEmbedderPolicy: false }));
  app.use(bodyLimit(options.bodyLimitBytes));
  app.onError(onError({ log: (err, c) => logger.error('unhandled error', { requestId: c.get('requestId'), err }) }));
  app.notFound(notFound);

  registerGetRoot(app);
  registerGetHealth(app, deps);
  registerReadyRoute(app, deps.readiness);
  registerGetOpenApi(app, deps);
  registerGetDocs(app, deps);

  const proxyOptions = { timeoutMs: options.upstreamTimeoutMs, logger };
  for (const { prefix, service } of PROXY_TABLE) {
    const handler = proxyTo(deps.services[service], proxyOptions);
    app.all(prefix, handler);
    app.all(`${prefix}/*`, handler);
  }
  return app;
}
