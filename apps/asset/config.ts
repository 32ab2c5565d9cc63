import { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../../lib/config/common.ts';
import { DiscoveryFields } from '../../lib/config/discovery.ts';
import { jsonField, positiveInt } from '../../lib/config/fields.ts';
import { toMicros } from './domain/money.ts';
import { AssetProviderFields, assetProviderChecks, assetProviderSettings } from './providers/config.ts';
import type { AssetProviderSettings } from './providers/registry.ts';
import { ASSET_KINDS } from './providers/types.ts';
import type { AssetBehaviour } from './service/core.ts';
import { AssetStorageFields, assetStorageChecks, type BlobStoreSettings, blobStoreSettings } from './storage/config.ts';

const usd = (fallback: number) => z.coerce.number().min(0, 'must be 0 or more (USD)').max(1_000_000).default(fallback);
const seconds = (fallback: number, min = 1, max = 86_399) => z.coerce.number().min(min).max(max).default(fallback);

const PriceTableSchema = z.record(
  z.string().regex(/^[a-z0-9-]{1,32}$/, 'provider names are lowercase, e.g. openai'),
  z.partialRecord(z.enum(ASSET_KINDS), z.number().min(0).max(1000)),
);

const pricesJson = jsonField(PriceTableSchema, '{"openai":{"image":0.04},"meshy":{"model3d":0.2}}');

/** The asset service's own settings (queue, budgets, prices, links), shared by its config and the all-in-one runner's. */
export const AssetCoreFields = {
  ASSET_BUDGET_DAILY_USD: usd(5),
  ASSET_BUDGET_MONTHLY_USD: usd(50),
  ASSET_PRICES: pricesJson,
  ASSET_QUEUE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,49}$/, 'must be a lowercase SQL name, e.g. asset_queue')
    .default('asset_queue'),
  ASSET_WORKERS: positiveInt(2).pipe(z.number().max(64)),
  ASSET_JOB_LEASE_S: seconds(900, 5),
  ASSET_JOB_MAX_ATTEMPTS: positiveInt(3).pipe(z.number().max(20)),
  ASSET_JOB_RETRY_DELAY_S: z.coerce.number().int().min(0).max(3600).default(5),
  ASSET_QUEUE_POLL_S: seconds(2, 0.5, 60),
  ASSET_QUEUE_MAINTENANCE_S: seconds(30, 1, 3600),
  /** Below the gateway's UPSTREAM_TIMEOUT_MS (60 s by default), which bounds how long a response may take to start. */
  ASSET_MAX_WAIT_MS: positiveInt(55_000).pipe(z.number().max(3_600_000)),
  ASSET_REUSE_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.75),
  ASSET_REUSE_MIN_SIMILARITY: z.coerce.number().min(0).max(1).default(0.85),
  /** Reuse by meaning: an OpenAI-compatible embeddings server (a local one may need no key), else OpenAI's with a key. */
  ASSET_EMBEDDINGS_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL, e.g. http://localhost:11434/v1' }).optional(),
  ASSET_EMBEDDINGS_API_KEY: z.string().optional(),
  ASSET_EMBEDDINGS_MODEL: z.string().min(1).max(200).default('text-embedding-3-small'),
  ASSET_EMBEDDINGS_DIMENSIONS: positiveInt(1536).pipe(z.number().max(16_000)),
  /** Prefix of the download and preview links in responses: the gateway's URL as clients reach it. */
  ASSET_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL, e.g. https://gaia.example.com' }).optional(),
  ASSET_SIGNED_URL_TTL_S: seconds(300, 10, 86_400),
};

/** Every variable of the asset service beyond the common ones: its own, its storage's and its providers'. */
export const AssetFields = { ...AssetStorageFields, ...AssetProviderFields, ...AssetCoreFields };

type AssetFieldValues = z.infer<z.ZodObject<typeof AssetFields>>;

/** The asset service's environment. */
export const AssetConfigSchema = CommonConfigSchema.extend({ ...DiscoveryFields, ...AssetFields }).superRefine((config, ctx) => {
  commonChecks(config, ctx);
  assetChecks(config, ctx);
});

export type AssetConfig = z.infer<typeof AssetConfigSchema>;

/** Cross-field rules of {@link AssetFields} (storage and providers included). */
export function assetChecks(config: AssetFieldValues, ctx: z.RefinementCtx): void {
  assetStorageChecks(config, ctx);
  assetProviderChecks(config, ctx);
  if (config.ASSET_BUDGET_MONTHLY_USD < config.ASSET_BUDGET_DAILY_USD) {
    ctx.addIssue({ code: 'custom', message: 'must be at least ASSET_BUDGET_DAILY_USD', path: ['ASSET_BUDGET_MONTHLY_USD'] });
  }
}

export interface AssetSettings {
  /** Where files live: local directory, S3 or Supabase Storage. */
  storage: BlobStoreSettings;
  /** The remote providers configured (the local one always is) and routing overrides. */
  providers: AssetProviderSettings;
  behaviour: AssetBehaviour;
  /** The embeddings provider for reuse by meaning, when one is configured. */
  embeddings?: { baseURL?: string; apiKey: string; model: string; dimensions: number };
}

/**
 * Embeddings are on when `ASSET_EMBEDDINGS_URL` or a key is set: `ASSET_EMBEDDINGS_API_KEY`, else OpenAI's own
 * (`OPENAI_API_KEY`, at `OPENAI_BASE_URL` when that is set).
 */
function embeddingsOf(config: AssetFieldValues): AssetSettings['embeddings'] {
  const own = config.ASSET_EMBEDDINGS_URL !== undefined || config.ASSET_EMBEDDINGS_API_KEY !== undefined;
  const apiKey = own ? config.ASSET_EMBEDDINGS_API_KEY : config.OPENAI_API_KEY;
  const baseURL = own ? config.ASSET_EMBEDDINGS_URL : config.OPENAI_BASE_URL;
  if (!own && apiKey === undefined) return undefined;
  return {
    ...(baseURL ? { baseURL } : {}),
    apiKey: apiKey ?? 'unused',
    model: config.ASSET_EMBEDDINGS_MODEL,
    dimensions: config.ASSET_EMBEDDINGS_DIMENSIONS,
  };
}

/**
 * The settings of {@link AssetFields}; `dataDir` holds local storage unless `ASSET_DIR` is set; links in responses
 * (and provider callbacks) use `ASSET_PUBLIC_URL`, else `defaults.publicBaseUrl`.
 * @example const settings = assetSettings(config, config.DATA_DIR);
 */
export function assetSettings(config: AssetFieldValues, dataDir: string, defaults: { publicBaseUrl?: string } = {}): AssetSettings {
  const publicBaseUrl = config.ASSET_PUBLIC_URL ?? defaults.publicBaseUrl ?? '';
  const storage = blobStoreSettings(config, dataDir);
  return {
    storage,
    providers: assetProviderSettings(config, {
      ...(config.ASSET_PRICES ? { prices: config.ASSET_PRICES } : {}),
      ...(publicBaseUrl ? { publicBaseUrl } : {}),
    }),
    ...(embeddingsOf(config) ? { embeddings: embeddingsOf(config) } : {}),
    behaviour: {
      budgets: { dailyMicros: toMicros(config.ASSET_BUDGET_DAILY_USD), monthlyMicros: toMicros(config.ASSET_BUDGET_MONTHLY_USD) },
      storageBucket: storage.kind === 'supabase' ? storage.bucket : null,
      queue: {
        schema: config.ASSET_QUEUE_SCHEMA,
        workers: config.ASSET_WORKERS,
        pollIntervalSeconds: config.ASSET_QUEUE_POLL_S,
        leaseSeconds: Math.round(config.ASSET_JOB_LEASE_S),
        maxAttempts: config.ASSET_JOB_MAX_ATTEMPTS,
        retryDelaySeconds: config.ASSET_JOB_RETRY_DELAY_S,
        maintenanceIntervalSeconds: Math.round(config.ASSET_QUEUE_MAINTENANCE_S),
      },
      maxWaitMs: config.ASSET_MAX_WAIT_MS,
      reuseMinScore: config.ASSET_REUSE_MIN_SCORE,
      reuseMinSimilarity: config.ASSET_REUSE_MIN_SIMILARITY,
      publicBaseUrl,
      signedUrlTtlSeconds: Math.round(config.ASSET_SIGNED_URL_TTL_S),
      cancelCheckMs: 1_000,
      progressIntervalMs: 250,
      heartbeatMs: 15_000,
    },
  };
}
