import { INTERNAL_TOKEN_HEADER } from '../auth/internal-token.ts';
import type { IdentityTokens } from '../auth/identity-tokens.ts';
import type { Principal } from '../auth/types.ts';
import type { ServiceClient, ServiceName } from './types.ts';

/** The identity a platform service uses when it calls another service on its own behalf. */
export function servicePrincipal(name: ServiceName): Principal {
  return { userId: name, email: null, roles: [], authType: 'service' };
}

/**
 * A client that sends every request with a signed internal identity token for `principal` (audience = the target
 * service), e.g. the kb service asking auth for a user's teams as itself, or chat calling kb for a user.
 * @example const auth = withIdentity(authClient, tokens, servicePrincipal('kb'));
 */
export function withIdentity(client: ServiceClient, tokens: IdentityTokens, principal: Principal): ServiceClient {
  return {
    name: client.name,
    target: client.target,
    async fetch(request) {
      const signed = new Request(request);
      signed.headers.set(INTERNAL_TOKEN_HEADER, await tokens.get(principal, client.name));
      return client.fetch(signed);
    },
  };
}
