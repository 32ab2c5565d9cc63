import type { Context } from 'hono';
import { principalOf } from '../../../lib/auth/middleware.ts';
import type { AppEnv } from '../../../lib/http/env.ts';
import { accessOf, type KbAccess } from '../access/access.ts';
import type { KbDeps } from '../deps.ts';

/**
 * The caller's knowledge-base access (401 without a principal).
 * @example const access = await callerAccess(c, deps);
 */
export function callerAccess(c: Context<AppEnv>, deps: KbDeps): Promise<KbAccess> {
  return accessOf(principalOf(c), deps.teams);
}
