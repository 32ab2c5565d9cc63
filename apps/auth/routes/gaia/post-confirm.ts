import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { type ConfirmationFailure, confirmEmail } from '../../sessions/email-confirmation.ts';
import { type GaiaUser, toGaiaUser } from '../../sessions/session-response.ts';
import { identityBackendOf } from '../../supabase/supabase-backend.ts';
import { GaiaUserSchema, gaiaErrorResponses, jsonBody, ok } from './schemas.ts';
import { forVariant, type GaiaAuthVariant } from './variant.ts';

export const CONFIRMED = 'Email confirmed successfully';
export const CONFIRMATION_INVALID = 'Confirmation link is expired or invalid';
export const ALREADY_CONFIRMED = 'Email is already confirmed';

export const GaiaConfirmBodySchema = z.object({ token: z.string(), email: z.string() }).openapi('GaiaConfirmBody');
export type GaiaConfirmBody = z.infer<typeof GaiaConfirmBodySchema>;

export const GaiaConfirmResponseSchema = z
  .object({ message: z.string(), user: GaiaUserSchema })
  .openapi('GaiaConfirmResponse');

export const gaiaConfirmRoute = createRoute({
  method: 'post',
  path: '/confirm',
  operationId: 'gaiaConfirm',
  tags: ['auth'],
  summary: 'Confirms an email address with the code from the confirmation mail',
  request: { body: jsonBody(GaiaConfirmBodySchema) },
  responses: { 200: ok('Confirmed', GaiaConfirmResponseSchema), ...gaiaErrorResponses },
});

async function confirmBuiltIn(deps: AuthDeps, email: string, token: string): Promise<GaiaUser | ConfirmationFailure> {
  const result = await confirmEmail(deps, email, token);
  return typeof result === 'string' ? result : toGaiaUser(result);
}

/**
 * Registers GAIA's `POST <prefix>/confirm`.
 * @example registerGaiaConfirm(router, deps, variant);
 */
export function registerGaiaConfirm(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaConfirmRoute, variant), async (c) => {
    const { token, email } = c.req.valid('json');
    const backend = identityBackendOf(deps);
    const result = backend ? await backend.confirm(email, token) : await confirmBuiltIn(deps, email, token);
    if (result === 'invalid') throw new GaiaError(400, CONFIRMATION_INVALID);
    if (result === 'already_confirmed') throw new GaiaError(400, ALREADY_CONFIRMED);
    return c.json({ message: CONFIRMED, user: result }, 200);
  });
}
