import type { JWK } from 'jose';
import { z } from 'zod';

const jwkJson = z
  .string()
  .transform((text, ctx) => {
    try {
      const jwk = JSON.parse(text) as JWK;
      if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') throw new Error('not a JWK');
      return jwk;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON Web Key (run `npm run keys` to make one)' });
      return z.NEVER;
    }
  })
  .optional();

/**
 * The key the gateway signs internal identity tokens with (a private Ed25519 JWK as JSON, from `npm run keys`).
 * The gateway signs with it; the auth service publishes its public half in its JWKS so every service can verify.
 * Unset in `npm start` (all-in-one): a fresh key is made for the process.
 */
export const InternalKeyFields = {
  INTERNAL_SIGNING_KEY: jwkJson,
};
