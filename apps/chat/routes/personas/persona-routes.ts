import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { registerDeleteGaiaPersona } from './delete-persona.ts';
import { registerGetGaiaPersona } from './get-persona.ts';
import { registerListGaiaPersonas } from './list-personas.ts';
import { registerCreateGaiaPersona } from './post-persona.ts';
import { registerUpdateGaiaPersona } from './put-persona.ts';

/** Each persona path and its methods (for a 405 on any other method). */
export const PERSONA_PATHS: Record<string, string[]> = {
  '/chat/personas': ['GET', 'POST'],
  '/chat/personas/:id': ['GET', 'PUT', 'DELETE'],
};

/**
 * GAIA's persona operations (§9) plus our get/update/delete siblings, on a GAIA router mounted at `/api/v1`.
 * @example registerPersonaRoutes(gaiaV1, deps); app.route('/api/v1', gaiaV1);
 */
export function registerPersonaRoutes(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  registerListGaiaPersonas(router, deps);
  registerCreateGaiaPersona(router, deps);
  registerGetGaiaPersona(router, deps);
  registerUpdateGaiaPersona(router, deps);
  registerDeleteGaiaPersona(router, deps);
}
