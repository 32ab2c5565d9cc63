import type { Principal } from '../../../lib/auth/types.ts';
import { ApiError } from '../../../lib/errors/api-error.ts';
import { isUuid } from '../../../lib/db/uuid.ts';
import { mayAccess } from './access.ts';
import type { AssetCore } from './core.ts';

/**
 * Deletes an asset the caller owns (or any, with `asset:admin`): its record goes at once; its files go too unless
 * another live record still uses them (reuses of a public asset share its files). 404 when there is none to see.
 * @example await deleteAsset(core, principal, id);
 */
export async function deleteAsset(core: AssetCore, principal: Principal, id: string): Promise<void> {
  const deleted = isUuid(id)
    ? await core.db.transaction(async (tx) => {
        const asset = await core.assets.get(tx, id.toLowerCase());
        if (!asset || !mayAccess(principal, asset.ownerId)) return null;
        return core.assets.markDeleted(tx, asset.id);
      })
    : null;
  if (!deleted) throw new ApiError('NOT_FOUND', 'Asset not found');
  if (await core.assets.fileInUse(core.db, deleted.fileKey)) return;
  const keys = [...deleted.files.map((f) => f.key), ...(deleted.previewKey ? [deleted.previewKey] : [])];
  for (const key of keys) {
    await core.blobs.delete(key).catch((err: unknown) => {
      core.logger.warn('asset file not deleted (it is orphaned)', { key, error: err instanceof Error ? err.message : String(err) });
    });
  }
  core.logger.info('asset deleted', { assetId: deleted.id, files: keys.length });
}
