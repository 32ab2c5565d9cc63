import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { keyStoreFor } from '../../keys/key-store.ts';

/** Verifiers may cache the set this long; a token with an unknown `kid` makes them fetch it again anyway. */
export const JWKS_MAX_AGE_S = 300;

export const JwksSchema = z
  .object({
    keys: z.array(z.record(z.string(), z.unknown()).openapi({ description: 'A public JWK (`kty`, `kid`, `alg`, `use`...)' })),
  })
  .openapi('Jwks');

export const getJwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  operationId: 'getJwks',
  tags: ['auth'],
  summary: "Public keys of the auth service's token signing keys (current and still-verifiable) and of the gateway's internal tokens",
  responses: {
    200: { description: 'The JSON Web Key Set', content: { 'application/json': { schema: JwksSchema } } },
    500: errorResponses[500],
    503: errorResponses[503],
  },
});

/**
 * Registers `GET /.well-known/jwks.json` (cacheable for {@link JWKS_MAX_AGE_S} seconds).
 * @example registerGetJwks(app, deps);
 */
export function registerGetJwks(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(getJwksRoute, async (c) => {
    const { keys } = await keyStoreFor(deps).jwks();
    return c.json({ keys: keys.map((key): Record<string, unknown> => ({ ...key })) }, 200, { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_S}` });
  });
}
