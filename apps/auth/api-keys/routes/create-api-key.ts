import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import type { Role } from '../../../../lib/auth/types.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { createApiKey } from '../store.ts';
import { callerOf } from './caller.ts';
import { CreatedApiKeySchema, json, jsonBody, RoleSchema } from './schemas.ts';

export const CreateApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    roles: z
      .array(RoleSchema)
      .min(1)
      .optional()
      .openapi({ description: "Scopes: a subset of the caller's roles. Absent = all of the owner's roles" }),
    expires_at: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When the key stops working' }),
  })
  .openapi('CreateApiKeyBody');

export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>;
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export const createApiKeyRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/api-keys',
  operationId: 'createApiKey',
  tags: ['api-keys'],
  summary: "Creates an API key for the caller; the key is returned once and only its hash is kept",
  middleware: [requirePermission('auth:write')] as const,
  request: { body: jsonBody(CreateApiKeyBodySchema) },
  responses: {
    201: json(CreatedApiKeySchema, 'The new key, with its secret (shown only now)'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/**
 * The scopes a new key gets: the requested roles, each held by the caller (403 otherwise). Without a request, an
 * API-key caller passes on its own (possibly narrowed) roles, so a scoped key can't mint a broader one.
 */
function scopesFor(requested: Role[] | undefined, held: readonly Role[], viaApiKey: boolean): Role[] | null {
  if (requested === undefined) return viaApiKey ? [...held] : null;
  const lacking = requested.filter((role) => !held.includes(role));
  if (lacking.length > 0) {
    throw new ApiError('FORBIDDEN', `A key cannot have roles its creator lacks: ${lacking.join(', ')}`, {
      details: { roles: lacking },
    });
  }
  return [...new Set(requested)];
}

/** `POST /api/v1/auth/api-keys`. */
export function registerCreateApiKey(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(createApiKeyRoute, async (c) => {
    const { principal, userId } = callerOf(c);
    const body = c.req.valid('json');
    const expiresAt = body.expires_at === undefined ? null : new Date(body.expires_at);
    if (expiresAt && expiresAt.getTime() <= deps.now()) {
      throw new ApiError('VALIDATION_FAILED', 'expires_at must be in the future', {
        details: [{ path: 'expires_at', message: 'must be in the future' }],
      });
    }
    const roles = scopesFor(body.roles, principal.roles, principal.authType === 'api_key');
    const { key, info } = await createApiKey(deps, { userId, name: body.name, roles, expiresAt });
    return c.json({ ...info, key }, 201);
  });
}
