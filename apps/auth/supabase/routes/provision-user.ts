import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { requireService } from '../../api-keys/routes/caller.ts';
import { json, jsonBody, PrincipalSchema } from '../../api-keys/routes/schemas.ts';
import type { AuthDeps } from '../../deps.ts';
import { provisionSupabaseUser, supabasePrincipalOf } from '../provision.ts';

export const ProvisionUserBodySchema = z
  .object({
    issuer: z.string().min(1).max(512).openapi({ description: "Who vouches for the identity: the token's `iss`" }),
    subject: z.string().min(1).max(255).openapi({ description: "The identity's id there: the token's `sub`" }),
    email: z.email().max(254).nullable().optional().openapi({ description: "The token's `email` claim, if any" }),
    provider: z.literal('supabase').optional().openapi({ description: 'Who vouches for the identity (default supabase)' }),
  })
  .openapi('ProvisionUserBody');
export const ProvisionedUserSchema = z
  .object({
    principal: PrincipalSchema,
    tokenVersion: z.number().int().min(0).openapi({ description: "The user's token version when the roles were read" }),
  })
  .openapi('ProvisionedUser');

export type ProvisionUserBody = z.infer<typeof ProvisionUserBodySchema>;
export type ProvisionedUser = z.infer<typeof ProvisionedUserSchema>;

export const provisionUserRoute = createRoute({
  method: 'post',
  path: '/internal/users/provision',
  operationId: 'provisionUser',
  tags: ['internal'],
  summary: 'For the gateway (a service identity): the user of a verified Supabase identity, created on first use',
  description:
    'Keyed by issuer and subject (never by email: two identities may share an address, and accounts are never ' +
    'merged). Idempotent, also under concurrency: a new user gets role `user`, the email (confirmed) and no password. ' +
    "Answers the principal with the user's roles and token version from the database.",
  middleware: [requireService()] as const,
  request: { body: jsonBody(ProvisionUserBodySchema) },
  responses: {
    200: json(ProvisionedUserSchema, 'The provisioned (or existing) user as a principal'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /internal/users/provision`. */
export function registerProvisionUser(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(provisionUserRoute, async (c) => {
    const { issuer, subject, email } = c.req.valid('json');
    const user = await provisionSupabaseUser(deps, { issuer, subject, email: email ?? null });
    return c.json(await supabasePrincipalOf(deps, user), 200);
  });
}
