import { OpenAPIHono, type OpenAPIHonoOptions, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { type AuthenticateServiceOptions, authenticateService } from '../auth/middleware.ts';
import { defaultHook, notFound, onError } from '../errors/handler.ts';
import { logThrown } from '../errors/log-error.ts';
import type { AppEnv } from '../http/env.ts';
import { requestId } from '../http/request-id.ts';
import { strictJsonBody } from '../http/strict-json-body.ts';
import { accessLog } from '../logging/access-log.ts';
import type { Logger } from '../logging/logger.ts';
import type { Readiness } from '../readiness/readiness.ts';
import { registerSystemRoutes } from './system-routes.ts';

export interface ServiceAppOptions {
  service: string;
  version: string;
  logger: Logger;
  readiness: Readiness;
  /** Extra description for the service's OpenAPI document. */
  description?: string;
  /**
   * Verifies the gateway's signed internal token on every request (except `/health`, `/ready`, `/openapi.json`
   * and `publicPaths`) and sets `c.var.principal`; routes then add `requirePermission(...)`.
   */
  authenticate?: AuthenticateServiceOptions;
  /** Middleware for every request, the system routes included (e.g. the web UI's security headers). */
  use?: MiddlewareHandler<AppEnv>[];
}

export interface RouterOptions {
  /** How failed validation answers. Default: the error envelope ({@link defaultHook}); GAIA routers pass theirs. */
  defaultHook?: OpenAPIHonoOptions<AppEnv>['defaultHook'];
}

const declaresJsonBody = (route: RouteConfig) =>
  Object.keys(route.request?.body?.content ?? {}).some((type) => /^application\/([\w.-]+\+)?json$/i.test(type));

/**
 * A fresh router for route modules to register on: the platform's validation hook (or `options.defaultHook`), and on
 * every route that declares a JSON body, {@link strictJsonBody} after the route's own middleware and before its
 * validators — so invalid UTF-8, NUL, unpaired surrogates, over-deep nesting and `__proto__` keys are refused in the
 * route's error format, whoever registers the route.
 * @example const router = createRouter({ defaultHook: gaiaValidationHook }); router.openapi(route, handler);
 */
export function createRouter(options: RouterOptions = {}): OpenAPIHono<AppEnv> {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: options.defaultHook ?? defaultHook });
  const register = router.openapi;
  const guard = strictJsonBody();
  router.openapi = ((route: RouteConfig, ...rest: unknown[]) => {
    if (!declaresJsonBody(route)) return (register as (...args: unknown[]) => unknown)(route, ...rest);
    const own: MiddlewareHandler[] = route.middleware === undefined ? [] : ([] as MiddlewareHandler[]).concat(route.middleware as MiddlewareHandler);
    return (register as (...args: unknown[]) => unknown)({ ...route, middleware: [...own, guard] }, ...rest);
  }) as typeof register;
  return router;
}

/**
 * The base every internal service starts from: request id, access log, caller authentication (when configured),
 * error envelope, 404 envelope, `/health`, `/ready` and `/openapi.json` (generated from the registered zod routes).
 * @example const app = createServiceApp({ service: 'kb', version, logger, readiness }); registerSearch(app);
 */
export function createServiceApp(options: ServiceAppOptions): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.use(requestId());
  app.use(accessLog({ logger: options.logger }));
  for (const middleware of options.use ?? []) app.use(middleware);
  if (options.authenticate) app.use(authenticateService(options.authenticate));
  app.onError(onError({ log: logThrown(options.logger) }));
  app.notFound(notFound);
  registerSystemRoutes(app, options);
  let document: unknown;
  app.get('/openapi.json', (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: `GAIA ${options.service} service`, version: options.version, description: options.description },
    });
    return c.json(document);
  });
  return app;
}
