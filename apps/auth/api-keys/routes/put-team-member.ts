import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { setTeamMember } from '../teams.ts';
import { callerOf } from './caller.ts';
import { idParam, json, jsonBody, TeamMemberSchema, TeamRoleSchema } from './schemas.ts';

export const PutTeamMemberBodySchema = z.object({ role: TeamRoleSchema.default('member') }).openapi('PutTeamMemberBody');

export type PutTeamMemberBody = z.input<typeof PutTeamMemberBodySchema>;
export type TeamMember = z.infer<typeof TeamMemberSchema>;

export const putTeamMemberRoute = createRoute({
  method: 'put',
  path: '/api/v1/auth/teams/{id}/members/{user_id}',
  operationId: 'putTeamMember',
  tags: ['teams'],
  summary: "Adds a user to a team or changes their role (the team's admins, or auth:admin)",
  middleware: [requirePermission('auth:write')] as const,
  request: {
    params: z.object({ id: idParam('id', 'The team id'), user_id: idParam('user_id', 'The user id') }),
    body: jsonBody(PutTeamMemberBodySchema),
  },
  responses: {
    200: json(TeamMemberSchema, 'The membership'),
    404: json(ErrorEnvelopeSchema, 'No such team (among those the caller belongs to) or user'),
    409: json(ErrorEnvelopeSchema, 'The team would be left without an admin'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `PUT /api/v1/auth/teams/{id}/members/{user_id}`. */
export function registerPutTeamMember(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(putTeamMemberRoute, async (c) => {
    const { userId, isAdmin } = callerOf(c);
    const { id, user_id: memberId } = c.req.valid('param');
    return c.json(await setTeamMember(deps, id, memberId, c.req.valid('json').role, { userId, isAdmin }), 200);
  });
}
