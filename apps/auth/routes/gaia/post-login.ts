import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { checkCredentials } from '../../sessions/login.ts';
import { startRefreshFamily } from '../../sessions/refresh-tokens.ts';
import { sessionResponse } from '../../sessions/session-response.ts';
import { refusalAs } from '../../supabase/backend.ts';
import { identityBackendOf } from '../../supabase/supabase-backend.ts';
import { accessOrNone } from '../../users/roles.ts';
import { touchLastSignIn } from '../../users/sign-in.ts';
import { GaiaSessionResponseSchema, gaiaErrorResponses, jsonBody, ok } from './schemas.ts';
import { forVariant, type GaiaAuthVariant } from './variant.ts';

export const LOGIN_FAILED = 'Login failed: Invalid login credentials';
export const LOGIN_UNCONFIRMED = 'Login failed: Email not confirmed';

export const GaiaLoginBodySchema = z.object({ email: z.string(), password: z.string() }).openapi('GaiaLoginBody');
export type GaiaLoginBody = z.infer<typeof GaiaLoginBodySchema>;

export const gaiaLoginRoute = createRoute({
  method: 'post',
  path: '/login',
  operationId: 'gaiaLogin',
  tags: ['auth'],
  summary: 'Logs in with email and password; answers a session',
  description: `Unknown email, wrong password and malformed input all answer 400 \`${LOGIN_FAILED}\`.`,
  request: { body: jsonBody(GaiaLoginBodySchema) },
  responses: { 200: ok('A new session', GaiaSessionResponseSchema), ...gaiaErrorResponses },
});

/**
 * Registers GAIA's `POST <prefix>/login`.
 * @example registerGaiaLogin(router, deps, variant);
 */
export function registerGaiaLogin(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaLoginRoute, variant), async (c) => {
    const { email, password } = c.req.valid('json');
    const backend = identityBackendOf(deps);
    if (backend) {
      const session = await backend.login(email, password).catch(refusalAs('Login failed'));
      if (session === 'unconfirmed') throw new GaiaError(400, LOGIN_UNCONFIRMED);
      if (session === 'invalid_credentials') throw new GaiaError(400, LOGIN_FAILED);
      return c.json(session, 200);
    }
    const result = await checkCredentials(deps, email, password);
    if (result === 'unconfirmed') throw new GaiaError(400, LOGIN_UNCONFIRMED);
    if (typeof result === 'string') throw new GaiaError(400, LOGIN_FAILED);
    const user = (await touchLastSignIn(deps.db, result.id, new Date(deps.now()))) ?? result;
    return c.json(await sessionResponse(deps, user, await accessOrNone(deps.db, user.id), await startRefreshFamily(deps, user.id)), 200);
  });
}
