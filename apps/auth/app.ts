import type { OpenAPIHono } from '@hono/zod-openapi';
import { createInternalTokenVerifier } from '../../lib/auth/internal-token.ts';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { PUBLIC_PATHS } from '../../lib/platform/public-paths.ts';
import { VERSION } from '../../lib/version.ts';
import { registerAccessRoutes } from './api-keys/register.ts';
import type { AuthDeps } from './deps.ts';
import { registerGetAuthHealth } from './routes/health/get-auth-health.ts';
import { registerIdentityRoutes } from './routes/register.ts';
import { registerSupabaseRoutes } from './supabase/register.ts';

/** The auth service: users, sessions, API keys, token issuing (JWKS) and RBAC. */
export function createApp(deps: AuthDeps): OpenAPIHono<AppEnv> {
  const verifier = createInternalTokenVerifier({ audience: 'auth', jwks: { keys: deps.settings.internalPublicKeys } });
  const app = createServiceApp({
    service: 'auth',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    authenticate: { verifier, publicPaths: [...PUBLIC_PATHS.auth] },
    description: 'Users, sessions, API keys, token issuing (JWKS) and RBAC.',
  });
  registerGetAuthHealth(app, deps);
  registerIdentityRoutes(app, deps);
  registerAccessRoutes(app, deps);
  registerSupabaseRoutes(app, deps);
  return app;
}
