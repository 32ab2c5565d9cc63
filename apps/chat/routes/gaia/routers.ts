import type { OpenAPIHono } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
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

/**
 * Answers 405 (with `Allow`) for a known GAIA path called with another method. Register after the routes.
 * @example allowOnly(v1, { '/chat': ['POST'], ...CONVERSATION_PATHS_V1 });
 */
export function allowOnly(router: OpenAPIHono<AppEnv>, paths: Record<string, string[]>): void {
  for (const [path, methods] of Object.entries(paths)) {
    router.all(path, () => {
      throw new GaiaError(405, 'Method Not Allowed', { headers: { Allow: methods.join(', ') } });
    });
  }
}
