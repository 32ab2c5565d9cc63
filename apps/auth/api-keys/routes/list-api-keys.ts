import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { listApiKeys } from '../store.ts';
import { callerOf } from './caller.ts';
import { ApiKeySchema, json } from './schemas.ts';

export const ListApiKeysQuerySchema = z.object({
  user_id: z
    .guid()
    .optional()
    .openapi({ param: { name: 'user_id', in: 'query' }, description: "Another user's keys (needs auth:admin)" }),
});

export const ApiKeyListSchema = z.object({ keys: z.array(ApiKeySchema) }).openapi('ApiKeyList');
export type ApiKeyList = z.infer<typeof ApiKeyListSchema>;

export const listApiKeysRoute = createRoute({
  method: 'get',
  path: '/api/v1/auth/api-keys',
  operationId: 'listApiKeys',
  tags: ['api-keys'],
  summary: "Lists the caller's keys (never their secrets), newest first; admins may ask for another user's",
  middleware: [requirePermission('auth:read')] as const,
  request: { query: ListApiKeysQuerySchema },
  responses: { 200: json(ApiKeyListSchema, 'The keys'), ...errorResponses, ...authErrorResponses },
});

/** `GET /api/v1/auth/api-keys`. */
export function registerListApiKeys(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(listApiKeysRoute, async (c) => {
    const { userId, isAdmin } = callerOf(c);
    const { user_id: owner = userId } = c.req.valid('query');
    if (owner !== userId && !isAdmin) {
      throw new ApiError('FORBIDDEN', "Missing permission auth:admin to list another user's keys", {
        details: { missing: ['auth:admin'] },
      });
    }
    return c.json({ keys: await listApiKeys(deps, owner) }, 200);
  });
}
