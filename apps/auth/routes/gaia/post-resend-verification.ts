import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { allowConfirmationResend, sendConfirmationEmail } from '../../sessions/email-confirmation.ts';
import { identityBackendOf } from '../../supabase/supabase-backend.ts';
import { isValidEmail, normalizeEmail } from '../../users/email.ts';
import { findUserByEmail } from '../../users/find-user.ts';
import { GaiaMessageSchema, gaiaErrorResponses, jsonBody, ok } from './schemas.ts';
import { INVALID_EMAIL } from './post-register.ts';
import { forVariant, type GaiaAuthVariant } from './variant.ts';

export const RESEND_TOO_SOON = 'Too many requests. Please wait before requesting another email';

export const GaiaResendBodySchema = z.object({ email: z.string() }).openapi('GaiaResendVerificationBody');
export type GaiaResendBody = z.infer<typeof GaiaResendBodySchema>;

export const gaiaResendVerificationRoute = createRoute({
  method: 'post',
  path: '/resend-verification',
  operationId: 'gaiaResendVerification',
  tags: ['auth'],
  summary: 'Sends a new confirmation mail (one per address per minute)',
  description: 'Answers the same for unknown and already confirmed addresses, so it does not tell which exist.',
  request: { body: jsonBody(GaiaResendBodySchema) },
  responses: { 200: ok('Sent (when there is something to confirm)', GaiaMessageSchema), ...gaiaErrorResponses },
});

/**
 * Registers GAIA's `POST <prefix>/resend-verification`.
 * @example registerGaiaResendVerification(router, deps, variant);
 */
export function registerGaiaResendVerification(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaResendVerificationRoute, variant), async (c) => {
    const { email } = c.req.valid('json');
    const normalized = normalizeEmail(email);
    if (!isValidEmail(normalized)) throw new GaiaError(400, INVALID_EMAIL);
    if (!(await allowConfirmationResend(deps, normalized))) throw new GaiaError(400, RESEND_TOO_SOON);
    const backend = identityBackendOf(deps);
    if (backend) {
      if ((await backend.resendVerification(normalized)) === 'too_soon') throw new GaiaError(400, RESEND_TOO_SOON);
    } else {
      const user = await findUserByEmail(deps.db, normalized);
      if (user && user.emailConfirmedAt === null && user.passwordHash !== null) await sendConfirmationEmail(deps, user);
    }
    return c.json({ message: `Verification email sent to ${email}` }, 200);
  });
}
