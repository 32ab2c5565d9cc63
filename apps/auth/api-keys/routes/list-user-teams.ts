import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { teamsOf } from '../teams.ts';
import { requireService } from './caller.ts';
import { json, MembershipSchema } from './schemas.ts';

export const UserTeamsSchema = z.object({ teams: z.array(MembershipSchema) }).openapi('UserTeams');
export type UserTeams = z.infer<typeof UserTeamsSchema>;

export const listUserTeamsRoute = createRoute({
  method: 'get',
  path: '/internal/users/{id}/teams',
  operationId: 'listUserTeams',
  tags: ['internal'],
  summary: "For platform services (a service identity): the teams a user belongs to, with the user's role in each",
  description: 'The kb service reads team folders (`teams/<id>/`) by membership. An unknown user has no teams.',
  middleware: [requireService()] as const,
  request: { params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 200: json(UserTeamsSchema, 'The memberships, by team name'), ...errorResponses, ...authErrorResponses },
});

/** `GET /internal/users/{id}/teams`. */
export function registerListUserTeams(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(listUserTeamsRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ teams: await teamsOf(deps.db, id.toLowerCase()) }, 200);
  });
}
