import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { createTeam } from '../teams.ts';
import { callerOf } from './caller.ts';
import { json, jsonBody, TeamSchema } from './schemas.ts';

export const CreateTeamBodySchema = z.object({ name: z.string().trim().min(1).max(100) }).openapi('CreateTeamBody');

export type CreateTeamBody = z.infer<typeof CreateTeamBodySchema>;
export type Team = z.infer<typeof TeamSchema>;

export const createTeamRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/teams',
  operationId: 'createTeam',
  tags: ['teams'],
  summary: 'Creates a team with the caller as its admin',
  middleware: [requirePermission('auth:write')] as const,
  request: { body: jsonBody(CreateTeamBodySchema) },
  responses: {
    201: json(TeamSchema, 'The team'),
    409: json(ErrorEnvelopeSchema, 'The name is taken'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /api/v1/auth/teams`. */
export function registerCreateTeam(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(createTeamRoute, async (c) => {
    const { userId } = callerOf(c);
    return c.json(await createTeam(deps, c.req.valid('json').name, userId), 201);
  });
}
