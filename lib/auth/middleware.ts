import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors/api-error.ts';
import type { AppEnv } from '../http/env.ts';
import { INTERNAL_TOKEN_HEADER, type InternalTokenVerifier } from './internal-token.ts';
import { can } from './rbac.ts';
import type { Permission, Principal } from './types.ts';
import { TokenError } from './verify.ts';

/** Paths every service answers without an identity: liveness, readiness and the OpenAPI document. */
export const ALWAYS_PUBLIC_PATHS: readonly string[] = ['/health', '/ready', '/openapi.json'];

export interface AuthenticateServiceOptions {
  /** Verifies the gateway's internal token (audience = this service). */
  verifier: InternalTokenVerifier;
  /** More paths that need no identity: an exact path, or a RegExp tested against the path. */
  publicPaths?: (string | RegExp)[];
}

const missing = () =>
  new ApiError('UNAUTHENTICATED', 'Authentication required', { details: { reason: 'missing_credentials' } });

/** A principal that counts as authenticated: present and not anonymous. */
const authenticated = (principal: Principal | undefined): principal is Principal =>
  principal !== undefined && principal.authType !== 'anonymous';

async function verifyOrThrow(verifier: InternalTokenVerifier, token: string): Promise<Principal> {
  try {
    return await verifier.verify(token);
  } catch (err) {
    if (err instanceof TokenError) {
      throw new ApiError('UNAUTHENTICATED', `Invalid identity token: ${err.message}`, { details: { reason: err.reason } });
    }
    // The gateway's keys could not be loaded: our infrastructure, not the caller's fault.
    throw new ApiError('SERVICE_UNAVAILABLE', 'Identity verification is unavailable', { cause: err });
  }
}

/**
 * Authenticates every request to a service from the gateway's signed internal token ({@link INTERNAL_TOKEN_HEADER})
 * and stores the caller as `c.get('principal')`. `/health`, `/ready`, `/openapi.json` and `publicPaths` pass
 * without one (a valid token there still sets the principal; a bad one is ignored). Elsewhere: no token, or an
 * anonymous principal → 401 `details.reason = 'missing_credentials'`; a refused token → 401 with the
 * `TokenError` reason (`expired`, `bad_signature`, `wrong_audience`...); unloadable gateway keys → 503.
 * @example
 * app.use(authenticateService({ verifier: createInternalTokenVerifier({ audience: 'auth', jwks }), publicPaths: [/^\/auth\//] }));
 */
export function authenticateService(options: AuthenticateServiceOptions): MiddlewareHandler<AppEnv> {
  const exact = new Set<string>(ALWAYS_PUBLIC_PATHS);
  const patterns: RegExp[] = [];
  for (const path of options.publicPaths ?? []) {
    if (typeof path === 'string') exact.add(path);
    else patterns.push(path);
  }
  const isPublic = (path: string) => exact.has(path) || patterns.some((pattern) => pattern.test(path));

  return async function authenticate(c, next) {
    const token = c.req.header(INTERNAL_TOKEN_HEADER);
    if (isPublic(c.req.path)) {
      if (token) {
        const principal = await options.verifier.verify(token).catch(() => undefined);
        if (authenticated(principal)) c.set('principal', principal);
      }
      return next();
    }
    if (!token) throw missing();
    const principal = await verifyOrThrow(options.verifier, token);
    if (!authenticated(principal)) throw missing();
    c.set('principal', principal);
    return next();
  };
}

/**
 * The authenticated caller, or a 401 when there is none (or it is anonymous). For handlers behind
 * {@link authenticateService}.
 * @example const { userId } = principalOf(c);
 */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!authenticated(principal)) throw missing();
  return principal;
}

/**
 * 401 unless an authenticated (non-anonymous) principal was set by {@link authenticateService}.
 * @example app.use('/api/*', requireAuthenticated());
 */
export function requireAuthenticated(): MiddlewareHandler<AppEnv> {
  return async function authenticatedOnly(c, next) {
    principalOf(c);
    return next();
  };
}

/**
 * 401 without an authenticated principal; 403 `FORBIDDEN` naming the first missing permission (all of them in
 * `details.missing`) unless the principal's roles grant every one of `permissions`.
 * @example createRoute({ ..., middleware: [requirePermission('auth:admin')] });
 */
export function requirePermission(...permissions: Permission[]): MiddlewareHandler<AppEnv> {
  return async function permitted(c, next) {
    const principal = principalOf(c);
    const lacking = permissions.filter((permission) => !can(principal, permission));
    if (lacking.length > 0) {
      throw new ApiError('FORBIDDEN', `Missing permission ${lacking.join(', ')}`, { details: { missing: lacking } });
    }
    return next();
  };
}
