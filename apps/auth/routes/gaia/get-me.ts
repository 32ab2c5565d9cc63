import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ROLES } from '../../../../lib/auth/types.ts';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { toGaiaUser } from '../../sessions/session-response.ts';
import { userOfSupabaseToken } from '../../supabase/provision.ts';
import { findUserById } from '../../users/find-user.ts';
import { rolesOf } from '../../users/roles.ts';
import type { User } from '../../users/user.ts';
import { detailResponse, GaiaUserSchema, gaiaErrorResponses, ok } from './schemas.ts';
import { bearerToken, forVariant, type GaiaAuthVariant } from './variant.ts';

export const NOT_AUTHENTICATED = 'Not authenticated. Provide a valid JWT or API Key.';
export const USER_NOT_FOUND = 'User not found';

export const GaiaMeResponseSchema = z
  .object({ user: GaiaUserSchema, roles: z.array(z.enum(ROLES)) })
  .openapi('GaiaMe');
export type GaiaMeResponse = z.infer<typeof GaiaMeResponseSchema>;

export const gaiaMeRoute = createRoute({
  method: 'get',
  path: '/me',
  operationId: 'gaiaMe',
  tags: ['auth'],
  summary: "The caller's user and the roles of that account",
  responses: {
    200: ok('The caller', GaiaMeResponseSchema),
    401: detailResponse(`\`${NOT_AUTHENTICATED}\``),
    404: detailResponse(`\`${USER_NOT_FOUND}\` (the caller is not a user, e.g. a service)`),
    500: gaiaErrorResponses[500],
  },
});

/**
 * Registers `GET <prefix>/me` (the principal comes from the authentication middleware).
 * @example registerGaiaMe(router, deps, variant);
 */
export function registerGaiaMe(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaMeRoute, variant), async (c) => {
    const principal = c.get('principal');
    let user: User | null;
    if (!principal || principal.authType === 'anonymous') {
      // Without an identity from the gateway, a Supabase access token as Bearer still identifies the caller.
      user = await userOfSupabaseToken(deps, bearerToken(c.req.header('authorization')));
      if (!user) throw new GaiaError(401, NOT_AUTHENTICATED);
    } else {
      // The gateway provisioned an external identity's user before calling: it exists, or was deleted since.
      user = await findUserById(deps.db, principal.userId);
      if (!user) throw new GaiaError(404, USER_NOT_FOUND);
    }
    return c.json({ user: toGaiaUser(user), roles: await rolesOf(deps.db, user.id) }, 200);
  });
}
