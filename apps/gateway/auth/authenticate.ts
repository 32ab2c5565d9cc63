import type { MiddlewareHandler } from 'hono';
import type { Principal } from '../../../lib/auth/types.ts';
import { TokenError } from '../../../lib/auth/verify.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { GatewayEnv } from '../env.ts';
import type { ApiKeyVerifier } from './api-keys.ts';
import { CredentialRefusedError } from './auth-service.ts';
import type { BearerVerifier } from './bearer-tokens.ts';
import { isGatewayOwnPath, needsCredentials } from './paths.ts';
import { GAIA_DETAIL, refuse } from './refusals.ts';

export interface AuthenticateOptions {
  bearer: BearerVerifier;
  apiKeys: ApiKeyVerifier;
  logger: Logger;
}

/** The credentials a request carries. `Bearer gaia_…` is an API key (OpenAI SDKs send keys that way). */
export interface Credentials {
  jwt?: string;
  apiKey?: string;
}

const BEARER = /^bearer\s+(\S+)\s*$/i;
const API_KEY_PREFIX = 'gaia_';

/**
 * Reads the credentials of a request: `Authorization: Bearer <token>` (scheme case-insensitive; any other scheme
 * counts as absent) and `X-API-Key`. A bearer token starting `gaia_` is an API key; `X-API-Key` wins over it.
 * @example readCredentials(c.req.header('authorization'), c.req.header('x-api-key'))
 */
export function readCredentials(authorization: string | undefined, xApiKey: string | undefined): Credentials {
  const bearer = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  const credentials: Credentials = {};
  if (bearer && !bearer.startsWith(API_KEY_PREFIX)) credentials.jwt = bearer;
  const apiKey = xApiKey?.trim() || (bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined);
  if (apiKey) credentials.apiKey = apiKey;
  return credentials;
}

/** Why nobody was authenticated: what the refusal says. */
type Outcome =
  | { kind: 'authenticated'; principal: Principal }
  | { kind: 'missing' }
  | { kind: 'invalid_jwt'; reason: string; message: string }
  | { kind: 'invalid_api_key' }
  | { kind: 'store_failure'; error: unknown };

/** A credential that was presented and refused: what the warn line says (never the credential itself). */
interface Refused {
  /** Which credential (a log field named like `credential` would be masked as a secret). */
  kind: 'jwt' | 'api_key';
  reason: string;
}

async function establish(options: AuthenticateOptions, credentials: Credentials, refused: Refused[]): Promise<Outcome> {
  let jwtFailure: Outcome | undefined;
  let storeFailure: Outcome | undefined;
  if (credentials.jwt !== undefined) {
    try {
      return { kind: 'authenticated', principal: await options.bearer.verify(credentials.jwt) };
    } catch (err) {
      if (err instanceof TokenError || err instanceof CredentialRefusedError) {
        jwtFailure = { kind: 'invalid_jwt', reason: err.reason, message: err.message };
        refused.push({ kind: 'jwt', reason: err.reason });
      } else {
        storeFailure = { kind: 'store_failure', error: err };
      }
    }
  }
  if (credentials.apiKey !== undefined) {
    try {
      const principal = await options.apiKeys.verify(credentials.apiKey);
      if (!principal) refused.push({ kind: 'api_key', reason: 'invalid_api_key' });
      // A definite "unknown key" is the answer even when the JWT's keys could not be loaded.
      return principal ? { kind: 'authenticated', principal } : { kind: 'invalid_api_key' };
    } catch (err) {
      storeFailure = { kind: 'store_failure', error: err };
    }
  }
  return storeFailure ?? jwtFailure ?? { kind: 'missing' };
}

/**
 * Establishes the caller (GAIA-API §3): a valid bearer JWT (ours or Supabase's) wins; otherwise an API key
 * (`X-API-Key` or `Bearer gaia_…`); an invalid JWT falls through to the key. Sets `c.var.principal` when somebody
 * authenticated. Public paths (see `isPublicPath`) and paths the gateway does not serve (a 404 follows) let everyone
 * through; elsewhere the gateway refuses at once:
 * GAIA paths with GAIA's bodies (401 `Not authenticated…` / `Could not validate credentials`, 500 `Authentication
 * service error`), our routes with the envelope (401 `UNAUTHENTICATED` with `details.reason`: `missing_credentials`,
 * `invalid_api_key`, or the token's reason such as `expired`, `bad_signature`, `malformed`, `revoked`, `outdated`;
 * 503 when the credential store is down). Every credential presented and refused logs one warn line with its kind
 * and reason (never the credential). The gateway's own routes skip all of this.
 * @example app.use(authenticate({ bearer, apiKeys, logger }));
 */
export function authenticate(options: AuthenticateOptions): MiddlewareHandler<GatewayEnv> {
  const { logger } = options;
  return async function authenticate(c, next) {
    const path = c.req.path;
    if (isGatewayOwnPath(path)) return next();
    const credentials = readCredentials(c.req.header('authorization'), c.req.header('x-api-key'));
    const refused: Refused[] = [];
    const outcome: Outcome =
      credentials.jwt === undefined && credentials.apiKey === undefined ? { kind: 'missing' } : await establish(options, credentials, refused);
    for (const { kind, reason } of refused) logger.warn('credential refused', { requestId: c.var.requestId, path, kind, reason });

    if (outcome.kind === 'authenticated') {
      c.set('principal', outcome.principal);
      return next();
    }
    if (outcome.kind === 'store_failure') {
      logger.warn('credentials could not be checked', { requestId: c.var.requestId, path, err: outcome.error });
    }
    if (!needsCredentials(path)) return next();

    switch (outcome.kind) {
      case 'missing':
        return refuse(c, {
          status: 401,
          detail: GAIA_DETAIL.notAuthenticated,
          code: 'UNAUTHENTICATED',
          message: 'Authentication required: send Authorization: Bearer <token> or X-API-Key',
          details: { reason: 'missing_credentials' },
        });
      case 'invalid_jwt':
        return refuse(c, {
          status: 401,
          detail: GAIA_DETAIL.notAuthenticated,
          code: 'UNAUTHENTICATED',
          message: `Invalid bearer token: ${outcome.message}`,
          details: { reason: outcome.reason },
        });
      case 'invalid_api_key':
        return refuse(c, {
          status: 401,
          detail: GAIA_DETAIL.invalidKey,
          code: 'UNAUTHENTICATED',
          message: 'Invalid API key',
          details: { reason: 'invalid_api_key' },
        });
      case 'store_failure':
        return refuse(c, {
          status: 500,
          detail: GAIA_DETAIL.storeFailure,
          code: 'SERVICE_UNAVAILABLE',
          message: 'Credentials cannot be checked right now: the authentication service is unavailable',
        });
    }
  };
}
