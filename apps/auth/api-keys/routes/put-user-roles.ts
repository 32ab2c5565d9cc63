import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { setUserRoles } from '../user-roles.ts';
import { idParam, json, jsonBody, RoleSchema, UserAccessSchema } from './schemas.ts';

export const PutUserRolesBodySchema = z
  .object({ roles: z.array(RoleSchema).min(1).max(8).openapi({ description: "The user's complete set of roles" }) })
  .openapi('PutUserRolesBody');

export type PutUserRolesBody = z.infer<typeof PutUserRolesBodySchema>;

export const putUserRolesRoute = createRoute({
  method: 'put',
  path: '/api/v1/auth/admin/users/{id}/roles',
  operationId: 'putUserRoles',
  tags: ['admin'],
  summary: "Replaces a user's roles (admins; super_admin is granted and removed only by a super_admin)",
  middleware: [requirePermission('auth:admin')] as const,
  request: { params: z.object({ id: idParam('id', 'The user id') }), body: jsonBody(PutUserRolesBodySchema) },
  responses: {
    200: json(UserAccessSchema, 'The user with the new roles'),
    404: json(ErrorEnvelopeSchema, 'No such user'),
    409: json(ErrorEnvelopeSchema, 'The last super_admin would lose the role'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `PUT /api/v1/auth/admin/users/{id}/roles`. */
export function registerPutUserRoles(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(putUserRolesRoute, async (c) => {
    const user = await setUserRoles(deps, c.req.valid('param').id, c.req.valid('json').roles, principalOf(c));
    return c.json(user, 200);
  });
}
