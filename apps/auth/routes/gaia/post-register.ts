import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { sendConfirmationEmail } from '../../sessions/email-confirmation.ts';
import { startRefreshFamily } from '../../sessions/refresh-tokens.ts';
import { sessionResponse, toGaiaUser } from '../../sessions/session-response.ts';
import { refusalAs } from '../../supabase/backend.ts';
import { identityBackendOf } from '../../supabase/supabase-backend.ts';
import { createUser } from '../../users/create-user.ts';
import { emailDomain, isValidEmail, normalizeEmail } from '../../users/email.ts';
import { findUserByEmail } from '../../users/find-user.ts';
import { passwordProblem } from '../../users/password-policy.ts';
import { accessOrNone } from '../../users/roles.ts';
import { touchLastSignIn } from '../../users/sign-in.ts';
import { GaiaSessionSchema, GaiaUserSchema, gaiaErrorResponses, jsonBody, ok } from './schemas.ts';
import { forVariant, type GaiaAuthVariant } from './variant.ts';

export const INVALID_EMAIL = 'Please enter a valid email address';
export const EMAIL_TAKEN = 'This email is already registered';
export const DOMAIN_NOT_ALLOWED = 'Registration is not allowed for this email domain';
export const REGISTRATION_RATE_LIMITED = 'Too many registration attempts. Please try again later';

export const GaiaRegisterBodySchema = z.object({ email: z.string(), password: z.string() }).openapi('GaiaRegisterBody');
export type GaiaRegisterBody = z.infer<typeof GaiaRegisterBodySchema>;

export const GaiaRegisterResponseSchema = z
  .object({ user: GaiaUserSchema, session: GaiaSessionSchema.nullable() })
  .openapi('GaiaRegisterResponse');

export const gaiaRegisterRoute = createRoute({
  method: 'post',
  path: '/register',
  operationId: 'gaiaRegister',
  tags: ['auth'],
  summary: 'Creates a user (role `user`); answers a session, or `session: null` until the email is confirmed',
  request: { body: jsonBody(GaiaRegisterBodySchema) },
  responses: { 200: ok('The new user', GaiaRegisterResponseSchema), ...gaiaErrorResponses },
});

function allowedDomain(deps: AuthDeps, email: string): boolean {
  const allowed = deps.settings.allowedEmailDomains;
  if (!allowed?.length) return true;
  const domain = emailDomain(email);
  return allowed.some((d) => d.toLowerCase() === domain);
}

/**
 * Registers GAIA's `POST <prefix>/register`.
 * @example registerGaiaRegister(router, deps, variant);
 */
export function registerGaiaRegister(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaRegisterRoute, variant), async (c) => {
    const body = c.req.valid('json');
    const email = normalizeEmail(body.email);
    if (!isValidEmail(email)) throw new GaiaError(400, INVALID_EMAIL);
    const problem = passwordProblem(body.password);
    if (problem) throw new GaiaError(400, problem);
    if (!allowedDomain(deps, email)) throw new GaiaError(400, DOMAIN_NOT_ALLOWED);
    const backend = identityBackendOf(deps);
    if (backend) {
      const registered = await backend.register(email, body.password).catch(refusalAs('Registration failed'));
      if (registered === 'email_taken') throw new GaiaError(400, EMAIL_TAKEN);
      if (registered === 'invalid_email') throw new GaiaError(400, INVALID_EMAIL);
      if (registered === 'rate_limited') throw new GaiaError(400, REGISTRATION_RATE_LIMITED);
      return c.json(registered, 200);
    }
    if (await findUserByEmail(deps.db, email)) throw new GaiaError(400, EMAIL_TAKEN);

    const confirm = deps.settings.requireEmailConfirmation;
    const now = new Date(deps.now());
    const created = await createUser(deps.db, {
      email,
      passwordHash: await deps.passwordHasher.hash(body.password),
      emailConfirmedAt: confirm ? null : now,
      at: now,
    });
    if (!created) throw new GaiaError(400, EMAIL_TAKEN);
    deps.logger.info('user registered', { userId: created.id });

    if (confirm) {
      // The user exists now; if the mail fails, resend-verification can send it again.
      await sendConfirmationEmail(deps, created).catch((err: unknown) =>
        deps.logger.error('confirmation email could not be sent', { userId: created.id, err }),
      );
      return c.json({ user: toGaiaUser(created), session: null }, 200);
    }
    const user = (await touchLastSignIn(deps.db, created.id, now)) ?? created;
    const response = await sessionResponse(deps, user, await accessOrNone(deps.db, user.id), await startRefreshFamily(deps, user.id));
    return c.json({ user: response.user, session: response.session }, 200);
  });
}
