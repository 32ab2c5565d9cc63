import type { InternalTokenVerifier } from '../../lib/auth/internal-token.ts';
import type { Kv } from '../../lib/kv/types.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import type { AssetSettings } from './config.ts';
import { assetMigrationsFor } from './db/migrations.ts';
import { type ProviderCatalog, staticCatalog } from './domain/providers.ts';
import type { PreviewMaker } from './service/core.ts';
import { createAssetCore, type RunnableAssetCore } from './service/create-core.ts';
import { createLocalBlobStore } from './storage/local.ts';
import type { BlobStore } from './storage/types.ts';

/** What the asset service needs; built once per process by {@link createAssetDeps} (Node alone, all-in-one, tests). */
export interface AssetDeps extends SqlServiceDeps {
  kv: Kv;
  /** Verifies the gateway's internal identity tokens (audience `asset`); see `internalVerifierFor`. */
  internalVerifier: InternalTokenVerifier;
  /** Our SQL schema (`asset`; tests use their own). */
  schema: string;
  /** Stores, queue, workers, providers and storage. */
  core: RunnableAssetCore;
  /** Graceful stop of the workers (see `RunnableAssetCore.stop`). */
  close(timeoutMs?: number): Promise<void>;
}

export interface AssetDepsInput extends SqlServiceDeps {
  kv: Kv;
  internalVerifier: InternalTokenVerifier;
  settings: AssetSettings;
  schema?: string;
  /** Default: none configured (every generation answers 503 until the provider registry is wired). */
  providers?: ProviderCatalog;
  /** Default: from `settings.storage`. */
  blobs?: BlobStore;
  previews?: PreviewMaker;
  now?: () => Date;
}

/**
 * Wires the asset service: storage from settings, the providers, and the core (stores, pg-boss queue, workers).
 * @example const deps = createAssetDeps({ ...base, settings: assetSettings(config, config.DATA_DIR) });
 */
export function createAssetDeps(input: AssetDepsInput): AssetDeps {
  const { settings, providers, blobs: givenBlobs, previews, now, ...base } = input;
  const schema = input.schema ?? 'asset';
  const blobs = givenBlobs ?? createLocalBlobStore({ dir: settings.storage.dir });
  const core = createAssetCore({
    db: base.db,
    kv: base.kv,
    logger: base.logger,
    schema,
    blobs,
    providers: providers ?? staticCatalog([]),
    behaviour: settings.behaviour,
    ...(previews ? { previews } : {}),
    ...(now ? { now } : {}),
  });
  return { ...base, schema, core, close: (timeoutMs = 10_000) => core.stop(timeoutMs) };
}

/**
 * Background start-up: the schema's migrations, then the queue (pg-boss's schema, queues, workers); storage is
 * probed on every readiness check. `/ready` is 503 until both are up; generation requests answer 503 meanwhile.
 */
export async function startAsset(deps: AssetDeps): Promise<void> {
  deps.readiness.pending('queue');
  deps.readiness.watch('storage', () => deps.core.blobs.ping());
  await startSchema(deps, deps.schema, assetMigrationsFor(deps.schema));
  await deps.readiness.start('queue', () => deps.core.start());
}
