import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../auth/internal-token.ts';
import type { SigningKey } from '../auth/signing-keys.ts';
import type { Principal } from '../auth/types.ts';
import type { ServiceName } from '../service/types.ts';

/** Anything with Hono's in-process `request` (an app or a router). */
export interface RequestableApp {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

export interface InternalCaller {
  /** Headers carrying `principal` as the gateway would (a signed internal token for the service's audience). */
  as(principal: Principal): Promise<Record<string, string>>;
  /** `app.request` as `principal`, with a JSON body when given; `headers` are added last. */
  call(principal: Principal, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

/**
 * Calls a service app in-process as the gateway would: each request carries an internal token for `principal`,
 * signed with `key` for `audience`.
 * @example const { as, call } = internalCaller(app, key, 'kb'); const res = await call(user, 'GET', '/api/v1/kb/tree');
 */
export function internalCaller(app: RequestableApp, key: SigningKey, audience: ServiceName): InternalCaller {
  const as = async (principal: Principal) => ({ [INTERNAL_TOKEN_HEADER]: await signInternalToken(key, principal, { audience }) });
  return {
    as,
    async call(principal, method, path, body, headers = {}) {
      return app.request(path, {
        method,
        headers: { ...(await as(principal)), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
  };
}
