import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../lib/http/env.ts';
import type { AuthDeps } from '../deps.ts';
import { withCurrentRoles } from './current-roles.ts';
import { registerCreateApiKey } from './routes/create-api-key.ts';
import { registerCreateTeam } from './routes/create-team.ts';
import { registerDeleteTeamMember } from './routes/delete-team-member.ts';
import { registerGetUserAccess } from './routes/get-user-access.ts';
import { registerListApiKeys } from './routes/list-api-keys.ts';
import { registerListRoleChanges } from './routes/list-role-changes.ts';
import { registerListTeams } from './routes/list-teams.ts';
import { registerListUserTeams } from './routes/list-user-teams.ts';
import { registerPutTeamMember } from './routes/put-team-member.ts';
import { registerPutUserRoles } from './routes/put-user-roles.ts';
import { registerRevokeApiKey } from './routes/revoke-api-key.ts';
import { registerRotateApiKey } from './routes/rotate-api-key.ts';
import { registerVerifyApiKey } from './routes/verify-api-key.ts';

/**
 * Registers the access-control routes: API keys (`/api/v1/auth/api-keys*`), the gateway's key verification
 * (`/internal/api-keys/verify`), a user's teams for other services (`/internal/users/{id}/teams`), user roles (`/api/v1/auth/admin/users/*`) and their audit log (`/api/v1/auth/admin/role-changes`) and teams (`/api/v1/auth/teams*`).
 * Every one needs a principal: mount `authenticateService` in front (none of these paths is public).
 * @example app.use(authenticateService({ verifier })); registerAccessRoutes(app, deps);
 */
export function registerAccessRoutes(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  // Permission checks here use the caller's roles as the database has them now, not as its token says.
  const currentRoles = withCurrentRoles(deps);
  for (const path of ['/api/v1/auth/api-keys', '/api/v1/auth/admin', '/api/v1/auth/teams']) {
    app.use(path, currentRoles);
    app.use(`${path}/*`, currentRoles);
  }
  registerCreateApiKey(app, deps);
  registerListApiKeys(app, deps);
  registerRevokeApiKey(app, deps);
  registerRotateApiKey(app, deps);
  registerVerifyApiKey(app, deps);
  registerGetUserAccess(app, deps);
  registerPutUserRoles(app, deps);
  registerListRoleChanges(app, deps);
  registerCreateTeam(app, deps);
  registerListTeams(app, deps);
  registerListUserTeams(app, deps);
  registerPutTeamMember(app, deps);
  registerDeleteTeamMember(app, deps);
}
