import type { InternalTokenVerifier } from '../../lib/auth/internal-token.ts';
import type { Kv } from '../../lib/kv/types.ts';
import { createOpenAiEmbedder, type Embedder } from '../../lib/openai/embeddings.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import type { AssetSettings } from './config.ts';
import { assetMigrationsFor } from './db/migrations.ts';
import { type ProviderCatalog, registryCatalog } from './domain/providers.ts';
import { createAssetProviderRegistry } from './providers/registry.ts';
import type { PreviewMaker } from './service/core.ts';
import { createAssetCore, type RunnableAssetCore } from './service/create-core.ts';
import { createBlobStore } from './storage/create.ts';
import { makePreview } from './storage/previews.ts';
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
  /** Default: the registry of `settings.providers` (the local provider, and each remote one configured). */
  providers?: ProviderCatalog;
  /** Default: from `settings.storage`. */
  blobs?: BlobStore;
  /** Default: `storage/previews.ts` (PNG thumbnails, WAV waveforms, GLB renders). */
  previews?: PreviewMaker;
  /** Default: from `settings.embeddings` (none configured = full-text reuse only). */
  embedder?: Embedder;
  now?: () => Date;
}

/**
 * Wires the asset service: storage and providers from settings, previews, and the core (stores, pg-boss queue, workers).
 * @example const deps = createAssetDeps({ ...base, settings: assetSettings(config, config.DATA_DIR) });
 */
export function createAssetDeps(input: AssetDepsInput): AssetDeps {
  const { settings, providers, blobs: givenBlobs, previews, embedder: givenEmbedder, now, ...base } = input;
  const schema = input.schema ?? 'asset';
  const blobs = givenBlobs ?? createBlobStore(settings.storage, { logger: base.logger });
  const embedder =
    givenEmbedder ?? (settings.embeddings ? createOpenAiEmbedder({ ...settings.embeddings, timeoutMs: 10_000, maxRetries: 1 }) : undefined);
  const core = createAssetCore({
    db: base.db,
    kv: base.kv,
    logger: base.logger,
    schema,
    blobs,
    providers: providers ?? registryCatalog(createAssetProviderRegistry(settings.providers, base.logger)),
    behaviour: settings.behaviour,
    previews: previews ?? ((file) => makePreview(file)),
    ...(embedder ? { embedder } : {}),
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
