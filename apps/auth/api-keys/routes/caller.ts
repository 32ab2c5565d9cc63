import type { Context, MiddlewareHandler } from 'hono';
import { principalOf } from '../../../../lib/auth/middleware.ts';
import { can } from '../../../../lib/auth/rbac.ts';
import type { Principal } from '../../../../lib/auth/types.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';

/** An authenticated user (not a service): who owns keys and joins teams. */
export interface Caller {
  principal: Principal;
  userId: string;
  /** Holds `auth:admin`: may act on other users' keys, roles and teams. */
  isAdmin: boolean;
  /** Holds `super_admin`: may also act on other super_admins. */
  isSuperAdmin: boolean;
}

/**
 * The calling user; 401 without one, 403 for a service principal (services own no keys or teams). Its roles are
 * the current ones from the database on every route behind `withCurrentRoles` (all of the access routes).
 * @example const { userId, isAdmin } = callerOf(c);
 */
export function callerOf(c: Context<AppEnv>): Caller {
  const principal = principalOf(c);
  if (principal.authType === 'service') throw new ApiError('FORBIDDEN', 'This operation needs a user, not a service');
  return {
    principal,
    userId: principal.userId,
    isAdmin: can(principal, 'auth:admin'),
    isSuperAdmin: principal.roles.includes('super_admin'),
  };
}

/**
 * 401 without a principal, 403 unless the caller is a platform service (the gateway's service identity).
 * @example createRoute({ ..., middleware: [requireService()] });
 */
export function requireService(): MiddlewareHandler<AppEnv> {
  return async function serviceOnly(c, next) {
    if (principalOf(c).authType !== 'service') throw new ApiError('FORBIDDEN', 'Only platform services may call this route');
    return next();
  };
}
