import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { revokeApiKey } from '../store.ts';
import { callerOf } from './caller.ts';
import { idParam, json } from './schemas.ts';

export const revokeApiKeyRoute = createRoute({
  method: 'delete',
  path: '/api/v1/auth/api-keys/{id}',
  operationId: 'revokeApiKey',
  tags: ['api-keys'],
  summary: "Revokes a key at once (its owner, or an admin; a super_admin's only by a super_admin): gateways refuse it and the tokens exchanged for it within a second",
  middleware: [requirePermission('auth:write')] as const,
  request: { params: z.object({ id: idParam('id', 'The key id') }) },
  responses: {
    204: { description: 'Revoked' },
    404: json(ErrorEnvelopeSchema, 'No such key among those the caller may manage'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `DELETE /api/v1/auth/api-keys/{id}`. */
export function registerRevokeApiKey(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(revokeApiKeyRoute, async (c) => {
    const { userId, isAdmin, isSuperAdmin } = callerOf(c);
    await revokeApiKey(deps, c.req.valid('param').id, { userId, isAdmin, isSuperAdmin });
    return c.body(null, 204);
  });
}
