import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { requireService } from '../../api-keys/routes/caller.ts';
import { json, jsonBody, PrincipalSchema } from '../../api-keys/routes/schemas.ts';
import type { AuthDeps } from '../../deps.ts';
import { IdentityConflictError } from '../../users/provision-external-user.ts';
import { provisionSupabaseUser, supabasePrincipalOf } from '../provision.ts';

export const ProvisionUserBodySchema = z
  .object({
    id: z.guid().openapi({ description: "The Supabase user's id (the token's `sub`); it becomes our user id" }),
    email: z.email().max(254).nullable().optional().openapi({ description: "The token's `email` claim, if any" }),
    provider: z.literal('supabase').optional().openapi({ description: 'Who vouches for the identity (default supabase)' }),
  })
  .openapi('ProvisionUserBody');
export const ProvisionedUserSchema = z.object({ principal: PrincipalSchema }).openapi('ProvisionedUser');

export type ProvisionUserBody = z.infer<typeof ProvisionUserBodySchema>;
export type ProvisionedUser = z.infer<typeof ProvisionedUserSchema>;

export const provisionUserRoute = createRoute({
  method: 'post',
  path: '/internal/users/provision',
  operationId: 'provisionUser',
  tags: ['internal'],
  summary: 'For the gateway (a service identity): the user of a verified Supabase identity, created on first use',
  description:
    'Idempotent, also under concurrency: a new user gets role `user`, the email (confirmed) and no password. Answers ' +
    "the principal with the user's roles from the database.",
  middleware: [requireService()] as const,
  request: { body: jsonBody(ProvisionUserBodySchema) },
  responses: {
    200: json(ProvisionedUserSchema, 'The provisioned (or existing) user as a principal'),
    409: json(ErrorEnvelopeSchema, 'The email belongs to another user'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /internal/users/provision`. */
export function registerProvisionUser(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(provisionUserRoute, async (c) => {
    const { id, email } = c.req.valid('json');
    const user = await provisionSupabaseUser(deps, { id, email: email ?? null }).catch((err: unknown) => {
      if (err instanceof IdentityConflictError) throw new ApiError('CONFLICT', 'The email of this identity belongs to another user');
      throw err;
    });
    return c.json({ principal: await supabasePrincipalOf(deps, user) }, 200);
  });
}
