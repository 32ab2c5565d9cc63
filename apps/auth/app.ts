import type { OpenAPIHono } from '@hono/zod-openapi';
import { createInternalTokenVerifier } from '../../lib/auth/internal-token.ts';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { VERSION } from '../../lib/version.ts';
import { registerAccessRoutes } from './api-keys/register.ts';
import type { AuthDeps } from './deps.ts';
import { registerGetAuthHealth } from './routes/health/get-auth-health.ts';
import { registerIdentityRoutes } from './routes/register.ts';
import { registerSupabaseRoutes } from './supabase/register.ts';

/**
 * Paths that work without an identity: GAIA's auth operations (at `/auth`, `/api/v1/auth` and `/api/v0.3/auth`;
 * `me` and `logout` read an identity when there is one), the auth health and the JWKS.
 */
export const AUTH_PUBLIC_PATHS: RegExp[] = [
  /^\/(api\/v1\/|api\/v0\.3\/)?auth\/(login|register|refresh|logout|confirm|resend-verification|validate|api-key-login|me)$/,
  /^\/auth\/health$/,
  /^\/\.well-known\/jwks\.json$/,
];

/** The auth service: users, sessions, API keys, token issuing (JWKS) and RBAC. */
export function createApp(deps: AuthDeps): OpenAPIHono<AppEnv> {
  const verifier = createInternalTokenVerifier({ audience: 'auth', jwks: { keys: deps.settings.internalPublicKeys } });
  const app = createServiceApp({
    service: 'auth',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    authenticate: { verifier, publicPaths: AUTH_PUBLIC_PATHS },
    description: 'Users, sessions, API keys, token issuing (JWKS) and RBAC.',
  });
  registerGetAuthHealth(app, deps);
  registerIdentityRoutes(app, deps);
  registerAccessRoutes(app, deps);
  registerSupabaseRoutes(app, deps);
  return app;
}
