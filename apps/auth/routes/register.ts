import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../lib/http/env.ts';
import type { AuthDeps } from '../deps.ts';
import { createGaiaAuthRouter } from './gaia/gaia-auth-router.ts';
import { GAIA_AUTH_VARIANTS } from './gaia/variant.ts';
import { registerCheckSession } from '../sessions/routes/check-session.ts';
import { registerGetJwks } from './jwks/get-jwks.ts';

/**
 * The auth service's built-in identity: GAIA's auth operations (login, register, refresh, logout, confirm,
 * resend-verification, validate, api-key-login, me) at `/auth/*`, `/api/v1/auth/*` and `/api/v0.3/auth/*`, each
 * prefix a sub-router with GAIA's error format, `GET /.well-known/jwks.json`, and the gateway's session check
 * (`POST /internal/sessions/check`). Registration does no I/O: keys are
 * loaded on first use.
 * @example const app = createServiceApp({ ... }); registerIdentityRoutes(app, deps);
 */
export function registerIdentityRoutes(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  for (const variant of GAIA_AUTH_VARIANTS) app.route(variant.prefix, createGaiaAuthRouter(deps, variant));
  registerGetJwks(app, deps);
  registerCheckSession(app, deps);
}
