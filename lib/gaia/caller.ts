import type { Context, MiddlewareHandler } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { principalOf } from '../auth/middleware.ts';
import { can } from '../auth/rbac.ts';
import type { Permission, Principal } from '../auth/types.ts';
import type { AppEnv } from '../http/env.ts';
import { GaiaError } from './errors.ts';

/**
 * The caller, checked for `permission`, with GAIA's wire format: 403 `{"detail":"Not enough permissions"}`.
 * (Missing credentials never get here: the service's authentication answers 401 first.)
 * @example const principal = gaiaCaller(c, 'chat:write');
 */
export function gaiaCaller(c: Context<AppEnv>, permission: Permission): Principal {
  const principal = principalOf(c);
  if (!can(principal, permission)) throw new GaiaError(403, 'Not enough permissions');
  return principal;
}

/**
 * Answers 405 (with `Allow`) for a known GAIA path called with another method. Register after the routes.
 * @example allowOnly(v1, { '/chat': ['POST'], ...CONVERSATION_PATHS_V1 });
 */
export function allowOnly(router: OpenAPIHono<AppEnv>, paths: Record<string, string[]>): void {
  for (const [path, methods] of Object.entries(paths)) {
    router.all(path, () => {
      throw new GaiaError(405, 'Method Not Allowed', { headers: { Allow: methods.join(', ') } });
    });
  }
}

/**
 * Route middleware: {@link gaiaCaller} before the route's validators run, so a caller without `permission` gets 403
 * whatever the body holds.
 * @example createRoute({ ..., middleware: [requireGaiaPermission('asset:write')] as const });
 */
export function requireGaiaPermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async function gaiaPermitted(c, next) {
    gaiaCaller(c, permission);
    await next();
  };
}
