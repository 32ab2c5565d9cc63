import { INTERNAL_TOKEN_HEADER } from '../../../lib/auth/internal-token.ts';
import { type Principal, isRole } from '../../../lib/auth/types.ts';
import type { JwksDocument } from '../../../lib/auth/verify.ts';
import type { ServiceClient } from '../../../lib/service/types.ts';
import { GATEWAY_SERVICE_PRINCIPAL } from '../../../lib/auth/types.ts';
import type { IdentityTokens } from '../../../lib/auth/identity-tokens.ts';
import type { ExternalIdentity, ProvisionedUser } from './bearer-tokens.ts';
import { isTokenVersion, type SessionState } from '../../../lib/auth/revocation.ts';

/** The auth service did not answer as expected (down, 5xx, a response we cannot read): not the caller's fault. */
export class CredentialStoreError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CredentialStoreError';
  }
}

/** The credential is well-formed but the auth service will not accept it (`reason` goes into the 401's details). */
export class CredentialRefusedError extends Error {
  readonly reason: string;

  constructor(reason: string, message: string) {
    super(message);
    this.name = 'CredentialRefusedError';
    this.reason = reason;
  }
}

/** How long a call to the auth service may take before it counts as a store failure. */
const CALL_TIMEOUT_MS = 5_000;

const AUTH_TYPES = new Set(['jwt', 'supabase_jwt', 'api_key', 'service', 'anonymous']);

/**
 * A principal read from the auth service's JSON (`{ userId, email, roles, authType, keyId? }`), or `undefined` when
 * it is not one. Unknown roles are dropped.
 */
export function parsePrincipal(value: unknown): Principal | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { userId, email, roles, authType, keyId } = value as Record<string, unknown>;
  if (typeof userId !== 'string' || userId === '') return undefined;
  if (email !== null && typeof email !== 'string') return undefined;
  if (!Array.isArray(roles) || typeof authType !== 'string' || !AUTH_TYPES.has(authType)) return undefined;
  const principal: Principal = { userId, email, roles: roles.filter(isRole), authType: authType as Principal['authType'] };
  if (typeof keyId === 'string') principal.keyId = keyId;
  return principal;
}

/** A key the auth service verified: who it stands for, and until when at most (ms; `null`: no end set). */
export interface VerifiedKey {
  principal: Principal;
  validUntil: number | null;
}

export interface AuthServiceCalls {
  /** `POST /internal/api-keys/verify`: the key's principal and end of validity, or `null` when it does not authenticate. */
  verifyApiKey(key: string): Promise<VerifiedKey | null>;
  /** `POST /internal/users/provision`: the user of an external (Supabase) identity, created on first sight. */
  provisionUser(identity: ExternalIdentity): Promise<ProvisionedUser>;
  /** `POST /internal/sessions/check`: the user's token version and the session's state, from the database. */
  checkSession(userId: string, sessionId: string | undefined): Promise<SessionState>;
  /** `GET /.well-known/jwks.json`: the auth service's public keys. */
  jwks(): Promise<JwksDocument>;
}

/**
 * The gateway's calls to the auth service, each carrying the gateway's own service identity (an internal token for
 * {@link GATEWAY_SERVICE_PRINCIPAL}, audience `auth`). Anything but a clear answer throws {@link CredentialStoreError}.
 * @example const auth = authServiceCalls(deps.services.auth, tokens); const principal = await auth.verifyApiKey(key);
 */
export function authServiceCalls(client: ServiceClient, tokens: IdentityTokens): AuthServiceCalls {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> => {
    const headers = new Headers({ accept: 'application/json' });
    if (body !== undefined) headers.set('content-type', 'application/json');
    try {
      headers.set(INTERNAL_TOKEN_HEADER, await tokens.get(GATEWAY_SERVICE_PRINCIPAL, 'auth'));
      return await client.fetch(
        new Request(`http://auth${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        }),
      );
    } catch (err) {
      throw new CredentialStoreError(`auth service unreachable for ${path}`, { cause: err });
    }
  };
  const readJson = async (res: Response, path: string): Promise<unknown> => {
    try {
      return await res.json();
    } catch (err) {
      throw new CredentialStoreError(`auth service sent unreadable JSON for ${path}`, { cause: err });
    }
  };
  const unexpected = async (res: Response, path: string): Promise<never> => {
    await res.body?.cancel().catch(() => undefined);
    throw new CredentialStoreError(`auth service answered ${res.status} for ${path}`);
  };

  return {
    async verifyApiKey(key) {
      const path = '/internal/api-keys/verify';
      const res = await call('POST', path, { key });
      // 401: not a key; 400: not even shaped like one (the route validates length).
      if (res.status === 401 || res.status === 400) {
        await res.body?.cancel().catch(() => undefined);
        return null;
      }
      if (res.status !== 200) return unexpected(res, path);
      const body = (await readJson(res, path)) as { principal?: unknown; validUntil?: unknown } | null;
      const principal = parsePrincipal(body?.principal);
      if (!principal) throw new CredentialStoreError(`auth service sent no principal for ${path}`);
      const validUntil = typeof body?.validUntil === 'string' ? Date.parse(body.validUntil) : Number.NaN;
      return { principal, validUntil: Number.isFinite(validUntil) ? validUntil : null };
    },

    async provisionUser(identity) {
      const path = '/internal/users/provision';
      const res = await call('POST', path, identity);
      if (res.status === 400) {
        await res.body?.cancel().catch(() => undefined);
        throw new CredentialRefusedError('unprovisionable_identity', 'This identity cannot be a user here (its issuer, sub or email is invalid)');
      }
      if (res.status !== 200 && res.status !== 201) return unexpected(res, path);
      const body = (await readJson(res, path)) as { principal?: unknown; tokenVersion?: unknown } | null;
      const principal = parsePrincipal(body?.principal);
      if (!principal || !isTokenVersion(body?.tokenVersion)) throw new CredentialStoreError(`auth service sent no principal for ${path}`);
      return { principal, tokenVersion: body.tokenVersion };
    },

    async checkSession(userId, sessionId) {
      const path = '/internal/sessions/check';
      const res = await call('POST', path, sessionId === undefined ? { userId } : { userId, sessionId });
      // 400: not even shaped like our ids — no token we issued says that, so it is refused, not a store failure.
      if (res.status === 400) {
        await res.body?.cancel().catch(() => undefined);
        throw new CredentialRefusedError('malformed', "The token's user or session id is not one this platform issues");
      }
      if (res.status !== 200) return unexpected(res, path);
      const body = (await readJson(res, path)) as { tokenVersion?: unknown; session?: unknown } | null;
      const tokenVersion = body?.tokenVersion;
      const session = body?.session;
      if (!(tokenVersion === null || isTokenVersion(tokenVersion))) throw new CredentialStoreError(`auth service sent no token version for ${path}`);
      if (sessionId !== undefined && session !== 'active' && session !== 'ended') {
        throw new CredentialStoreError(`auth service sent no session state for ${path}`);
      }
      return { tokenVersion, ...(sessionId === undefined ? {} : { session: session as 'active' | 'ended' }) };
    },

    async jwks() {
      const path = '/.well-known/jwks.json';
      const res = await call('GET', path);
      if (res.status !== 200) return unexpected(res, path);
      return (await readJson(res, path)) as JwksDocument;
    },
  };
}
