import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { TokenError } from '../../../../lib/auth/verify.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { findRefreshFamily, revokeRefreshFamily } from '../../sessions/refresh-tokens.ts';
import { verifyAccessToken } from '../../sessions/verify-access-token.ts';
import { refusalAs } from '../../supabase/backend.ts';
import { identityBackendOf } from '../../supabase/supabase-backend.ts';
import { isUuid } from '../../users/user.ts';
import { GaiaMessageSchema, gaiaErrorResponses, jsonBody, ok } from './schemas.ts';
import { bearerToken, forVariant, type GaiaAuthVariant } from './variant.ts';

export const LOGGED_OUT = 'Logged out successfully';

export const GaiaLogoutBodySchema = z.object({ refresh_token: z.string().optional() }).openapi('GaiaLogoutBody');
export type GaiaLogoutBody = z.infer<typeof GaiaLogoutBodySchema>;

export const gaiaLogoutRoute = createRoute({
  method: 'post',
  path: '/logout',
  operationId: 'gaiaLogout',
  tags: ['auth'],
  summary: 'Ends the session named by the refresh token in the body and/or the `sid` of the Bearer access token',
  description: 'Idempotent: a session that is unknown or already ended is not an error.',
  request: { body: jsonBody(GaiaLogoutBodySchema, false) },
  responses: { 200: ok('Logged out', GaiaMessageSchema), ...gaiaErrorResponses },
});

/** The session (family id) and owner named by a Bearer access token, or `null` when it names none. */
async function sessionOfBearer(deps: AuthDeps, token: string): Promise<{ familyId: string; userId: string } | null> {
  try {
    const { subject, claims } = await verifyAccessToken(deps, token);
    return typeof claims.sid === 'string' && isUuid(claims.sid) ? { familyId: claims.sid, userId: subject } : null;
  } catch (err) {
    if (err instanceof TokenError) return null;
    throw err;
  }
}

/**
 * Registers GAIA's `POST <prefix>/logout`.
 * @example registerGaiaLogout(router, deps, variant);
 */
export function registerGaiaLogout(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaLogoutRoute, variant), async (c) => {
    const { refresh_token: refreshToken } = c.req.valid('json');
    const bearer = bearerToken(c.req.header('authorization'));
    const backend = identityBackendOf(deps);
    if (backend) {
      await backend.logout({ refreshToken, accessToken: bearer }).catch(refusalAs('Logout failed'));
      return c.json({ message: LOGGED_OUT }, 200);
    }
    const sessions = [
      refreshToken ? await findRefreshFamily(deps, refreshToken) : null,
      bearer ? await sessionOfBearer(deps, bearer) : null,
    ];
    for (const session of sessions) {
      if (session) await revokeRefreshFamily(deps, session.familyId, session.userId);
    }
    return c.json({ message: LOGGED_OUT }, 200);
  });
}
