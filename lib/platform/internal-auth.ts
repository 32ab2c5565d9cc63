import { createInternalTokenVerifier, type InternalTokenVerifier } from '../auth/internal-token.ts';
import type { JwksDocument } from '../auth/verify.ts';
import type { ServiceClient, ServiceName } from '../service/types.ts';

/**
 * Verifies the gateway's internal tokens addressed to `service`, with keys from the auth service's
 * `/.well-known/jwks.json` (cached; refetched on an unknown `kid`), so no network call is made per request.
 * @example const internalVerifier = internalVerifierFor('kb', services.auth);
 */
export function internalVerifierFor(service: ServiceName, auth: ServiceClient): InternalTokenVerifier {
  return createInternalTokenVerifier({
    audience: service,
    jwks: {
      fetch: async () => {
        const res = await auth.fetch(new Request('http://auth/.well-known/jwks.json'));
        if (!res.ok) {
          await res.body?.cancel();
          throw new Error(`auth service answered ${res.status} for its JWKS`);
        }
        return (await res.json()) as JwksDocument;
      },
    },
  });
}
