import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { TokenError } from '../../../../lib/auth/verify.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { verifyApiKey } from '../../api-keys/verify.ts';
import type { AuthDeps } from '../../deps.ts';
import { verifyCurrentAccessToken } from '../../sessions/verify-access-token.ts';
import { verifyServiceToken } from '../../sessions/verify-service-token.ts';
import { userOfSupabaseToken } from '../../supabase/provision.ts';
import { gaiaErrorResponses, jsonBody, ok } from './schemas.ts';
import { forVariant, type GaiaAuthVariant } from './variant.ts';

export const NO_CREDENTIALS = 'No valid authentication credentials provided';

/** Fields of another type count as absent: validate never answers 422 for them. */
const optionalString = z.unknown().optional().openapi({ type: 'string' });

export const GaiaValidateBodySchema = z.object({ token: optionalString, api_key: optionalString }).openapi('GaiaValidateBody');
export type GaiaValidateBody = z.infer<typeof GaiaValidateBodySchema>;

export const GaiaValidateResponseSchema = z
  .object({
    valid: z.boolean(),
    auth_type: z.enum(['jwt', 'service_jwt', 'api_key', 'none']),
    user_id: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('GaiaValidateResponse');
export type GaiaValidateResponse = z.infer<typeof GaiaValidateResponseSchema>;

export const gaiaValidateRoute = createRoute({
  method: 'post',
  path: '/validate',
  operationId: 'gaiaValidate',
  tags: ['auth'],
  summary: 'Says whether a token (ours, a service token or a Supabase token) or an API key is valid, and whose it is (always 200)',
  request: { body: jsonBody(GaiaValidateBodySchema, false) },
  responses: { 200: ok('The verdict', GaiaValidateResponseSchema), ...gaiaErrorResponses },
});

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

async function validateToken(deps: AuthDeps, token: string): Promise<GaiaValidateResponse | null> {
  try {
    const { subject } = await verifyCurrentAccessToken(deps, token);
    return { valid: true, auth_type: 'jwt', user_id: subject, error: null };
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
  }
  const service = await verifyServiceToken(deps, token);
  if (service) return { valid: true, auth_type: 'service_jwt', user_id: service.subject, error: null };
  const supabaseUser = await userOfSupabaseToken(deps, token);
  return supabaseUser ? { valid: true, auth_type: 'jwt', user_id: supabaseUser.id, error: null } : null;
}

/**
 * Registers GAIA's `POST <prefix>/validate`.
 * @example registerGaiaValidate(router, deps, variant);
 */
export function registerGaiaValidate(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaValidateRoute, variant), async (c) => {
    const { token, api_key: apiKey } = c.req.valid('json');
    const byToken = nonEmpty(token) ? await validateToken(deps, token) : null;
    if (byToken) return c.json(byToken, 200);
    const principal = nonEmpty(apiKey) ? await verifyApiKey(deps, apiKey) : null;
    if (principal) return c.json({ valid: true, auth_type: 'api_key' as const, user_id: principal.userId, error: null }, 200);
    return c.json({ valid: false, auth_type: 'none' as const, user_id: null, error: NO_CREDENTIALS }, 200);
  });
}
