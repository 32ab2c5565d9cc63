import type { Logger } from '../../../lib/logging/logger.ts';
import type { BlobStoreSettings } from './config.ts';
import { createLocalBlobStore } from './local.ts';
import { createS3BlobStore } from './s3.ts';
import { createSupabaseBlobStore } from './supabase.ts';
import type { BlobStore } from './types.ts';

export interface BlobStoreDeps {
  logger: Logger;
}

/** Where a store keeps files, for the start-up log line: never a credential. */
function describe(settings: BlobStoreSettings): Record<string, unknown> {
  if (settings.kind === 'local') return { kind: 'local', dir: settings.dir };
  if (settings.kind === 's3') {
    return { kind: 's3', bucket: settings.bucket, region: settings.region, ...(settings.endpoint ? { endpoint: new URL(settings.endpoint).origin } : {}) };
  }
  return { kind: 'supabase', bucket: settings.bucket, project: new URL(settings.url).origin };
}

/**
 * The {@link BlobStore} that `settings` choose (`ASSET_STORAGE`), logged once (kind, bucket, endpoint or directory;
 * never a credential). Nothing is contacted here: `ping` is the readiness check.
 * @example const store = createBlobStore(blobStoreSettings(config, config.DATA_DIR), { logger });
 */
export function createBlobStore(settings: BlobStoreSettings, deps: BlobStoreDeps): BlobStore {
  deps.logger.info('asset storage', describe(settings));
  switch (settings.kind) {
    case 's3':
      return createS3BlobStore(settings);
    case 'supabase':
      return createSupabaseBlobStore(settings);
    case 'local':
      return createLocalBlobStore({ dir: settings.dir });
  }
}
