import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../lib/http/env.ts';
import type { AuthDeps } from '../deps.ts';
import { registerProvisionUser } from './routes/provision-user.ts';

/**
 * Registers the Supabase routes of the auth service: the gateway's user provisioning for verified Supabase identities
 * (`POST /internal/users/provision`, service principals only; mount `authenticateService` in front). The Supabase
 * identity backend itself serves GAIA's auth operations through their routes (see `identityBackendOf`).
 * @example registerSupabaseRoutes(app, deps);
 */
export function registerSupabaseRoutes(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  registerProvisionUser(app, deps);
}
