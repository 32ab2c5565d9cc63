import type { Context } from 'hono';
import { principalOf } from '../../../../lib/auth/middleware.ts';
import { can } from '../../../../lib/auth/rbac.ts';
import type { Permission, Principal } from '../../../../lib/auth/types.ts';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';

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
