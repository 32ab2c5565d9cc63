import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { getUserAccess } from '../user-roles.ts';
import { idParam, json, UserAccessSchema } from './schemas.ts';

export type UserAccess = z.infer<typeof UserAccessSchema>;

export const getUserAccessRoute = createRoute({
  method: 'get',
  path: '/api/v1/auth/admin/users/{id}',
  operationId: 'getUserAccess',
  tags: ['admin'],
  summary: "A user's email, roles and teams (admins)",
  middleware: [requirePermission('auth:admin')] as const,
  request: { params: z.object({ id: idParam('id', 'The user id') }) },
  responses: {
    200: json(UserAccessSchema, 'The user'),
    404: json(ErrorEnvelopeSchema, 'No such user'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `GET /api/v1/auth/admin/users/{id}`. */
export function registerGetUserAccess(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(getUserAccessRoute, async (c) => c.json(await getUserAccess(deps.db, c.req.valid('param').id), 200));
}
