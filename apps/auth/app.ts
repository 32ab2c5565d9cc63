import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { VERSION } from '../../lib/version.ts';
import type { AuthDeps } from './deps.ts';
import { registerGetAuthHealth } from './routes/health/get-auth-health.ts';

/** The auth service: Users, sessions, API keys, token issuing (JWKS) and RBAC. */
export function createApp(deps: AuthDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({
    service: 'auth',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    description: 'Users, sessions, API keys, token issuing (JWKS) and RBAC.',
  });
  registerGetAuthHealth(app, deps);
  return app;
}
