import { OpenAPIHono } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import { defaultHook, notFound, onError } from '../../lib/errors/handler.ts';
import { logThrown } from '../../lib/errors/log-error.ts';
import { gaiaOnError } from '../../lib/gaia/errors.ts';
import { openAiOnError } from '../../lib/openai/errors.ts';
import { requestId } from '../../lib/http/request-id.ts';
import { accessLog } from '../../lib/logging/access-log.ts';
import { registerReadyRoute } from '../../lib/openapi/system-routes.ts';
import { createGatewayIdentity } from './auth/gateway-identity.ts';
import { wireFormat } from './auth/paths.ts';
import { responseCache } from './cache/response-cache.ts';
import { watchServices } from './health/service-readiness.ts';
import type { GatewayDeps } from './deps.ts';
import type { GatewayEnv } from './env.ts';
import { bodyLimit } from './middleware/body-limit.ts';
import { cors } from './middleware/cors.ts';
import { serverTiming } from './middleware/server-timing.ts';
import { proxyTo } from './proxy/proxy.ts';
import { registerGetDocs } from './routes/docs/get-docs.ts';
import { registerGetHealth } from './routes/health/get-health.ts';
import { registerGetOpenApi } from './routes/openapi/get-openapi.ts';
import { DEFAULT_RATE_LIMITS } from './ratelimit/rules.ts';
import { rateLimit } from './ratelimit/rate-limit.ts';
import { PROXY_TABLE } from './routes/proxy-table.ts';
import { registerGetRoot } from './routes/root/get-root.ts';

/**
 * The public gateway: request id, access log, CORS, secure headers, body limit and `Server-Timing` on every
 * response; then the caller's identity (JWT or API key; refused outside public paths), one rate-limit check and the
 * response cache; its own system routes (public, not limited; `/ready` includes every service's `/ready`);
 * everything in {@link PROXY_TABLE} streamed to the owning service with the caller's identity signed for it in
 * `X-Gaia-Identity`.
 */
export function createApp(deps: GatewayDeps): OpenAPIHono<GatewayEnv> {
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook });
  const { options, logger } = deps;

  app.use(serverTiming());
  app.use(requestId());
  app.use(accessLog({ logger }));
  app.use(cors({ origins: options.corsOrigins }));
  app.use(
    secureHeaders({
      crossOriginResourcePolicy: false,
      crossOriginEmbedderPolicy: false,
      // Obsolete or browser-document-only headers: an API response gains nothing from them (each costs a header set).
      xXssProtection: false,
      xDownloadOptions: false,
      xDnsPrefetchControl: false,
      xPermittedCrossDomainPolicies: false,
      originAgentCluster: false,
    }),
  );
  app.use(bodyLimit(options.bodyLimitBytes));
  const identity = createGatewayIdentity(deps);
  app.use(identity.authenticate);
  app.use(
    rateLimit({
      limiter: deps.rateLimiter,
      settings: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
      trustProxy: options.trustProxy === true,
      logger,
    }),
  );
  app.use(responseCache({ kv: deps.kv, logger }));
  // The gateway's own failures (body too large, service unavailable or late...) in the path's wire format.
  const log = logThrown(logger);
  const handlers = { envelope: onError({ log }), gaia: gaiaOnError({ log }), openai: openAiOnError(log) };
  app.onError((err, c) => handlers[wireFormat(c.req.path, c.req.method)](err, c));
  app.notFound(notFound);

  registerGetRoot(app);
  registerGetHealth(app, deps);
  watchServices(deps.readiness, deps.services, options.healthTimeoutMs);
  registerReadyRoute(app, deps.readiness);
  registerGetOpenApi(app, deps);
  registerGetDocs(app, deps);

  const proxyOptions = {
    timeoutMs: options.upstreamTimeoutMs,
    logger,
    headers: identity.headers,
    trustForwardedHeaders: options.trustProxy === true,
  };
  for (const { prefix, service } of PROXY_TABLE) {
    const sign = identity.signFor(service);
    const handler = proxyTo(deps.services[service], proxyOptions);
    app.all(prefix, sign, handler);
    app.all(`${prefix}/*`, sign, handler);
  }
  return app;
}
