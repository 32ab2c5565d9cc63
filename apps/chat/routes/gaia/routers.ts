import { OpenAPIHono } from '@hono/zod-openapi';
import { gaiaOnError, gaiaValidationHook } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';

/** An OpenAPIHono router speaking GAIA's wire format: FastAPI 422 lists, `{"detail": ...}` errors, 5xx logged only. */
export function createGaiaRouter(deps: ChatDeps): OpenAPIHono<AppEnv> {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: gaiaValidationHook });
  router.onError(
    gaiaOnError({
      log: (err, c) => deps.logger.error('unhandled error', { requestId: c.get('requestId' as never) as string | undefined, err }),
    }),
  );
  return router;
}
