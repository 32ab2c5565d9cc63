import { can } from '../../../lib/auth/rbac.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import { ApiError } from '../../../lib/errors/api-error.ts';
import { isUuid } from '../../../lib/db/uuid.ts';
import type { AssetRecord } from '../store/assets.ts';
import type { JobRecord } from '../store/jobs.ts';
import type { AssetCore } from './core.ts';

/** Whether `principal` may act on what `ownerId` owns: the owner, or a holder of `asset:admin`. */
export const mayAccess = (principal: Principal, ownerId: string) => principal.userId === ownerId || can(principal, 'asset:admin');

/**
 * The job, when the caller may see it; 404 otherwise (someone else's job is indistinguishable from none).
 * @example const job = await visibleJob(core, principal, c.req.valid('param').id);
 */
export async function visibleJob(core: AssetCore, principal: Principal, id: string): Promise<JobRecord> {
  const job = isUuid(id) ? await core.jobs.get(core.db, id.toLowerCase()) : null;
  if (!job || !mayAccess(principal, job.ownerId)) throw new ApiError('NOT_FOUND', 'Asset job not found');
  return job;
}

/**
 * The asset, when the caller may see it; 404 otherwise.
 * @example const asset = await visibleAsset(core, principal, id);
 */
export async function visibleAsset(core: AssetCore, principal: Principal, id: string): Promise<AssetRecord> {
  const asset = isUuid(id) ? await core.assets.get(core.db, id.toLowerCase()) : null;
  if (!asset || !mayAccess(principal, asset.ownerId)) throw new ApiError('NOT_FOUND', 'Asset not found');
  return asset;
}
