import type { Db } from '../../../lib/db/types.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { ProviderCatalog } from '../domain/providers.ts';
import type { JobQueue, QueueSettings } from '../jobs/queue.ts';
import type { RunningJobs } from '../jobs/running.ts';
import type { AssetKind, GeneratedFile } from '../providers/types.ts';
import type { AssetStore } from '../store/assets.ts';
import type { BudgetLimits, BudgetStore } from '../store/budgets.ts';
import type { CallbackStore } from '../store/callbacks.ts';
import type { JobStore } from '../store/jobs.ts';
import type { SemanticReuse } from './semantic.ts';
import type { BlobStore } from '../storage/types.ts';

/** Makes a thumbnail of a generated file, or null when its kind has none (audio, 3D). */
export type PreviewMaker = (file: GeneratedFile, kind: AssetKind) => Promise<GeneratedFile | null>;

/** How the asset service behaves (from config; see `assetSettings`). */
export interface AssetBehaviour {
  budgets: BudgetLimits;
  /** The Supabase Storage bucket files live in (GAIA's `storage_info.bucket_name`), else null. */
  storageBucket: string | null;
  queue: QueueSettings;
  /** The longest `POST /api/v1/assets/generate` waits for a job (and the default when the request sets none). */
  maxWaitMs: number;
  /** 0–1: how much of a request's wording an existing asset must share to be reused. */
  reuseMinScore: number;
  /** 0–1: the cosine similarity an existing asset must reach to be reused by meaning (when embeddings are on). */
  reuseMinSimilarity: number;
  /** Prefix of the links in responses (`download_url`): the gateway's public URL, or '' for relative links. */
  publicBaseUrl: string;
  signedUrlTtlSeconds: number;
  /** How often a worker re-checks in the database that its jobs were not cancelled (besides the KV message). */
  cancelCheckMs: number;
  /** At most how often a running job writes its progress. */
  progressIntervalMs: number;
  /** After this long without news, a job's SSE stream sends a `heartbeat` (so proxies keep it open). */
  heartbeatMs: number;
}

/** Everything the asset service's operations share: stores, queue, providers, storage and settings. */
export interface AssetCore {
  db: Db;
  kv: Kv;
  logger: Logger;
  jobs: JobStore;
  assets: AssetStore;
  budgets: BudgetStore;
  callbacks: CallbackStore;
  blobs: BlobStore;
  previews: PreviewMaker;
  providers: ProviderCatalog;
  queue: JobQueue;
  running: RunningJobs;
  /** Reuse by meaning, when an embeddings provider is configured (it is off by itself where pgvector is missing). */
  semantic: SemanticReuse | null;
  behaviour: AssetBehaviour;
  now: () => Date;
}
