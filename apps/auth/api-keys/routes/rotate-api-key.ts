import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { DEFAULT_ROTATION_GRACE_S, MAX_ROTATION_GRACE_S, rotateApiKey } from '../store.ts';
import { callerOf } from './caller.ts';
import { ApiKeySchema, CreatedApiKeySchema, idParam, json } from './schemas.ts';

export const RotateApiKeyBodySchema = z
  .object({
    grace_seconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_ROTATION_GRACE_S)
      .default(DEFAULT_ROTATION_GRACE_S)
      .openapi({ description: 'How long the old key keeps working (default 3600, at most 7 days)' }),
  })
  .openapi('RotateApiKeyBody');

export const RotatedApiKeySchema = CreatedApiKeySchema.extend({
  previous: ApiKeySchema.openapi({ description: 'The replaced key, accepted until its grace_until' }),
}).openapi('RotatedApiKey');

export type RotateApiKeyBody = z.input<typeof RotateApiKeyBodySchema>;
export type RotatedApiKey = z.infer<typeof RotatedApiKeySchema>;

export const rotateApiKeyRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/api-keys/{id}/rotate',
  operationId: 'rotateApiKey',
  tags: ['api-keys'],
  summary: "Replaces one of the caller's keys: a new secret now, the old one accepted until the grace ends",
  middleware: [requirePermission('auth:write')] as const,
  request: {
    params: z.object({ id: idParam('id', 'The key id') }),
    body: { required: false, content: { 'application/json': { schema: RotateApiKeyBodySchema } } },
  },
  responses: {
    201: json(RotatedApiKeySchema, 'The new key with its secret (shown only now), and the old one'),
    404: json(ErrorEnvelopeSchema, "No such key among the caller's own"),
    409: json(ErrorEnvelopeSchema, 'The key expired or was already rotated'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /api/v1/auth/api-keys/{id}/rotate`. */
export function registerRotateApiKey(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(rotateApiKeyRoute, async (c) => {
    const { userId } = callerOf(c);
    // Without a body the validator is skipped and hands over {}, so the default is applied here too.
    const graceS = (c.req.valid('json') as Partial<RotateApiKeyBody>).grace_seconds ?? DEFAULT_ROTATION_GRACE_S;
    const { key, info, previous } = await rotateApiKey(deps, c.req.valid('param').id, userId, graceS);
    return c.json({ ...info, key, previous }, 201);
  });
}
