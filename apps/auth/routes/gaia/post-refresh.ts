import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { RefreshTokenError, revokeRefreshFamily, rotateRefreshToken } from '../../sessions/refresh-tokens.ts';
import { sessionResponse } from '../../sessions/session-response.ts';
import { refusalAs } from '../../supabase/backend.ts';
import { identityBackendOf } from '../../supabase/supabase-backend.ts';
import { findUserById } from '../../users/find-user.ts';
import { accessOrNone } from '../../users/roles.ts';
import { GaiaSessionResponseSchema, gaiaErrorResponses, jsonBody, ok } from './schemas.ts';
import { forVariant, type GaiaAuthVariant } from './variant.ts';

export const GaiaRefreshBodySchema = z.object({ refresh_token: z.string() }).openapi('GaiaRefreshBody');
export type GaiaRefreshBody = z.infer<typeof GaiaRefreshBodySchema>;

export const gaiaRefreshRoute = createRoute({
  method: 'post',
  path: '/refresh',
  operationId: 'gaiaRefresh',
  tags: ['auth'],
  summary: 'Exchanges a refresh token for a new session (the refresh token rotates; reusing an old one ends the session)',
  request: { body: jsonBody(GaiaRefreshBodySchema) },
  responses: { 200: ok('The renewed session', GaiaSessionResponseSchema), ...gaiaErrorResponses },
});

const failed = (reason: string) => new GaiaError(400, `Token refresh failed: ${reason}`);

/**
 * Registers GAIA's `POST <prefix>/refresh`.
 * @example registerGaiaRefresh(router, deps, variant);
 */
export function registerGaiaRefresh(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaRefreshRoute, variant), async (c) => {
    const { refresh_token: token } = c.req.valid('json');
    const backend = identityBackendOf(deps);
    if (backend) return c.json(await backend.refresh(token).catch(refusalAs('Token refresh failed')), 200);
    const next = await rotateRefreshToken(deps, token).catch((err: unknown) => {
      throw err instanceof RefreshTokenError ? failed(err.message) : err;
    });
    const user = await findUserById(deps.db, next.userId);
    if (!user) {
      await revokeRefreshFamily(deps, next.familyId);
      throw failed('User not found');
    }
    return c.json(await sessionResponse(deps, user, await accessOrNone(deps.db, user.id), next), 200);
  });
}
