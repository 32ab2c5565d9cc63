import type { OpenAPIHono } from '@hono/zod-openapi';
import { logThrown } from '../errors/log-error.ts';
import type { AppEnv } from '../http/env.ts';
import type { Logger } from '../logging/logger.ts';
import { createRouter } from '../openapi/service-app.ts';
import { gaiaOnError, gaiaValidationHook } from './errors.ts';

/**
 * A router speaking GAIA's wire format (FastAPI 422 lists, `{"detail": ...}` errors, 5xx logged as `unhandled error`
 * and never shown), with the platform's strict JSON body reading on every route (see `createRouter`). Mount it on a
 * service app with `app.route(prefix, router)`.
 * @example const v1 = gaiaRouter(deps.logger); registerPostChatV1(v1, deps); app.route('/api/v1', v1);
 */
export function gaiaRouter(logger?: Logger): OpenAPIHono<AppEnv> {
  const router = createRouter({ defaultHook: gaiaValidationHook });
  router.onError(gaiaOnError(logger ? { log: logThrown(logger) } : {}));
  return router;
}
