import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { verifyApiKeyAccess } from '../../api-keys/verify.ts';
import type { AuthDeps } from '../../deps.ts';
import { issueAccessToken } from '../../sessions/access-token.ts';
import { detailResponse, gaiaErrorResponses, ok } from './schemas.ts';
import { forVariant, type GaiaAuthVariant } from './variant.ts';

export const INVALID_API_KEY = 'Invalid API key';

/** What GAIA clients read from the exchanged token's `user_metadata`. */
export const API_KEY_EXCHANGE_METADATA = { auth_source: 'api_key_exchange', original_auth_type: 'user_api_key' } as const;

export const GaiaApiKeyLoginHeadersSchema = z.object({
  'x-api-key': z.string().openapi({ description: 'The API key to exchange', example: 'gaia_live_...' }),
});

export const GaiaApiKeyLoginResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int(),
    user: z.object({ id: z.string(), email: z.string().nullable() }),
  })
  .openapi('GaiaApiKeyLoginResponse');
export type GaiaApiKeyLoginResponse = z.infer<typeof GaiaApiKeyLoginResponseSchema>;

export const gaiaApiKeyLoginRoute = createRoute({
  method: 'post',
  path: '/api-key-login',
  operationId: 'gaiaApiKeyLogin',
  tags: ['auth'],
  summary: "Exchanges an API key (header `X-API-Key`) for an access token of the key's owner",
  request: { headers: GaiaApiKeyLoginHeadersSchema },
  responses: {
    200: ok('An access token (no refresh token)', GaiaApiKeyLoginResponseSchema),
    401: detailResponse(`\`${INVALID_API_KEY}\``),
    ...gaiaErrorResponses,
  },
});

/**
 * Registers GAIA's `POST <prefix>/api-key-login`.
 * @example registerGaiaApiKeyLogin(router, deps, variant);
 */
export function registerGaiaApiKeyLogin(router: OpenAPIHono<AppEnv>, deps: AuthDeps, variant: GaiaAuthVariant): void {
  router.openapi(forVariant(gaiaApiKeyLoginRoute, variant), async (c) => {
    const verified = await verifyApiKeyAccess(deps, c.req.valid('header')['x-api-key']);
    if (!verified) throw new GaiaError(401, INVALID_API_KEY);
    const { principal, keyId, tokenVersion } = verified;
    // The key is the token's session: revoking the key ends the tokens exchanged for it.
    const access = await issueAccessToken(deps, {
      userId: principal.userId,
      email: principal.email,
      roles: principal.roles,
      tokenVersion,
      userMetadata: { ...API_KEY_EXCHANGE_METADATA },
      sessionId: keyId,
    });
    return c.json(
      {
        access_token: access.token,
        token_type: 'bearer' as const,
        expires_in: access.expiresIn,
        user: { id: principal.userId, email: principal.email },
      },
      200,
    );
  });
}
