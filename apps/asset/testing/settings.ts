import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetSettings } from '../config.ts';
import type { AssetBehaviour } from '../service/core.ts';

/**
 * Asset settings for tests: files in a fresh temp dir, a quick queue (0.5 s polling, 1 s maintenance, 2 attempts with
 * no retry delay), generous budgets, relative links, only the local provider — unless `behaviour` says otherwise.
 * @example const settings = testAssetSettings({ queue: { ...testQueue, leaseSeconds: 2 } });
 */
export function testAssetSettings(behaviour: Partial<AssetBehaviour> = {}, dir?: string): AssetSettings & { storage: { kind: 'local'; dir: string } } {
  return {
    storage: { kind: 'local', dir: dir ?? mkdtempSync(join(tmpdir(), 'gaia-assets-')) },
    providers: {},
    behaviour: {
      budgets: { dailyMicros: 5_000_000, monthlyMicros: 50_000_000 },
      storageBucket: null,
      queue: {
        schema: 'asset_queue',
        workers: 2,
        pollIntervalSeconds: 0.5,
        leaseSeconds: 30,
        maxAttempts: 2,
        retryDelaySeconds: 0,
        maintenanceIntervalSeconds: 1,
      },
      maxWaitMs: 20_000,
      reuseMinScore: 0.75,
      reuseMinSimilarity: 0.85,
      publicBaseUrl: '',
      signedUrlTtlSeconds: 60,
      cancelCheckMs: 250,
      progressIntervalMs: 20,
      heartbeatMs: 500,
      ...behaviour,
    },
  };
}
