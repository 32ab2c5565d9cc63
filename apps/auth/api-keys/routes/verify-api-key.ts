import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { verifyApiKeyAccess } from '../verify.ts';
import { requireService } from './caller.ts';
import { json, jsonBody, PrincipalSchema } from './schemas.ts';

export const VerifyApiKeyBodySchema = z.object({ key: z.string().min(1).max(256) }).openapi('VerifyApiKeyBody');
export const VerifiedApiKeySchema = z
  .object({
    principal: PrincipalSchema,
    validUntil: z.string().nullable().openapi({ description: 'When the key expires or its rotation grace ends: no cache keeps it past then' }),
  })
  .openapi('VerifiedApiKey');

export type VerifyApiKeyBody = z.infer<typeof VerifyApiKeyBodySchema>;
export type VerifiedApiKey = z.infer<typeof VerifiedApiKeySchema>;

export const verifyApiKeyRoute = createRoute({
  method: 'post',
  path: '/internal/api-keys/verify',
  operationId: 'verifyApiKey',
  tags: ['internal'],
  summary: "For the gateway (a service identity): the principal an API key stands for, or 401 'invalid_api_key'",
  middleware: [requireService()] as const,
  request: { body: jsonBody(VerifyApiKeyBodySchema) },
  responses: { 200: json(VerifiedApiKeySchema, 'The key is valid'), ...errorResponses, ...authErrorResponses },
});

/** `POST /internal/api-keys/verify`. */
export function registerVerifyApiKey(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(verifyApiKeyRoute, async (c) => {
    const verified = await verifyApiKeyAccess(deps, c.req.valid('json').key);
    if (!verified) throw new ApiError('UNAUTHENTICATED', 'Invalid API key', { details: { reason: 'invalid_api_key' } });
    const validUntil = verified.validUntil === null ? null : new Date(verified.validUntil).toISOString();
    return c.json({ principal: verified.principal, validUntil }, 200);
  });
}
