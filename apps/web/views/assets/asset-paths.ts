import { isUuid } from '../../../../lib/db/uuid.ts';
import type { AssetJob } from '../../gateway/schemas.ts';

/**
 * Job and asset ids are UUIDs, by the services' one rule; anything else is not found without asking the gateway.
 * @example isAssetId('not-an-id') // false
 */
export const isAssetId = (id: string) => isUuid(id);

/** Whether a job may still change (its card follows it live and offers Cancel). */
export const isLive = (job: Pick<AssetJob, 'state'>) => job.state === 'queued' || job.state === 'running';

export const assetHref = {
  download: (assetId: string, inline = false) => `/assets/${assetId}/download${inline ? '?disposition=inline' : ''}`,
  preview: (assetId: string) => `/assets/${assetId}/preview`,
  remove: (assetId: string) => `/assets/${assetId}/delete`,
  cancel: (jobId: string) => `/assets/jobs/${jobId}/cancel`,
  events: (jobId: string) => `/assets/jobs/${jobId}/events`,
  card: (jobId: string) => `/partials/assets/jobs/${jobId}`,
};
