import type { OpenAPIHono } from '@hono/zod-openapi';
import { allowOnly } from '../../../../lib/gaia/caller.ts';
import { gaiaRouter } from '../../../../lib/gaia/router.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { Permission } from '../../../../lib/auth/types.ts';
import type { ChatDeps } from '../../deps.ts';
import { gaiaCaller } from './permissions.ts';

/** What each method needs on the GAIA chat routes: reading, writing (chat, create, update) or deleting. */
const METHOD_PERMISSION: Record<string, Permission> = { GET: 'chat:read', HEAD: 'chat:read', DELETE: 'chat:delete' };

/**
 * An OpenAPIHono router speaking GAIA's wire format: FastAPI 422 lists, `{"detail": ...}` errors, 5xx logged only.
 * The caller's permission for the method is checked first, before any body is validated.
 */
export function createGaiaRouter(deps: ChatDeps): OpenAPIHono<AppEnv> {
  const router = gaiaRouter(deps.logger);
  router.use(async function gaiaPermission(c, next) {
    gaiaCaller(c, METHOD_PERMISSION[c.req.method] ?? 'chat:write');
    await next();
  });
  return router;
}

export { allowOnly };
