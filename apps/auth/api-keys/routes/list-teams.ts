import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { listTeams } from '../teams.ts';
import { callerOf } from './caller.ts';
import { json, TeamSchema } from './schemas.ts';

export const TeamListSchema = z.object({ teams: z.array(TeamSchema) }).openapi('TeamList');
export type TeamList = z.infer<typeof TeamListSchema>;

export const listTeamsRoute = createRoute({
  method: 'get',
  path: '/api/v1/auth/teams',
  operationId: 'listTeams',
  tags: ['teams'],
  summary: "The caller's teams with their members; admins (auth:admin) see every team",
  middleware: [requirePermission('auth:read')] as const,
  responses: { 200: json(TeamListSchema, 'The teams, by name'), ...errorResponses, ...authErrorResponses },
});

/** `GET /api/v1/auth/teams`. */
export function registerListTeams(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(listTeamsRoute, async (c) => {
    const { userId, isAdmin } = callerOf(c);
    return c.json({ teams: await listTeams(deps, { userId, isAdmin }, isAdmin) }, 200);
  });
}
