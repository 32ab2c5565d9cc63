import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { removeTeamMember } from '../teams.ts';
import { callerOf } from './caller.ts';
import { idParam, json } from './schemas.ts';

export const deleteTeamMemberRoute = createRoute({
  method: 'delete',
  path: '/api/v1/auth/teams/{id}/members/{user_id}',
  operationId: 'deleteTeamMember',
  tags: ['teams'],
  summary: "Removes a member (the team's admins, or auth:admin); members may remove themselves",
  middleware: [requirePermission('auth:write')] as const,
  request: { params: z.object({ id: idParam('id', 'The team id'), user_id: idParam('user_id', 'The user id') }) },
  responses: {
    204: { description: 'Removed' },
    404: json(ErrorEnvelopeSchema, 'No such team (among those the caller belongs to) or member'),
    409: json(ErrorEnvelopeSchema, 'The team would be left without an admin'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `DELETE /api/v1/auth/teams/{id}/members/{user_id}`. */
export function registerDeleteTeamMember(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(deleteTeamMemberRoute, async (c) => {
    const { userId, isAdmin } = callerOf(c);
    const { id, user_id: memberId } = c.req.valid('param');
    await removeTeamMember(deps, id, memberId, { userId, isAdmin });
    return c.body(null, 204);
  });
}
