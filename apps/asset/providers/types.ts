import type { AssetCategory } from '../../../lib/gaia/asset-categories.ts';
import type { Logger } from '../../../lib/logging/logger.ts';

export { ASSET_CATEGORIES, type AssetCategory } from '../../../lib/gaia/asset-categories.ts';

/** What a provider makes; a category maps to one (environment/character/prop/animation → model3d, …). */
export const ASSET_KINDS = ['image', 'texture', 'audio', 'model3d'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** One generation, as a provider receives it (validated and normalised by the service before). */
export interface GenerationRequest {
  category: AssetCategory;
  kind: AssetKind;
  /** Free-text style (`low-poly`, `watercolor`, `8-bit chiptune`…). */
  style: string;
  description: string;
  /** The prompt the service built from style, description and requirements: what text-to-X providers send. */
  prompt: string;
  /** GAIA's `requirements` (all optional): `quality`, `format`, `polygon_count_max`, `file_size_max_mb`, `platform`. */
  requirements: {
    platform?: string;
    quality?: 'low' | 'medium' | 'high' | 'ultra';
    polygonCountMax?: number;
    fileSizeMaxMb?: number;
    format?: string;
  };
  /** A stable seed derived from the normalised request: the same request makes the same file (local provider). */
  seed: string;
}

/** A file a provider produced. */
export interface GeneratedFile {
  /** File name without directories, e.g. `asset.png`. */
  name: string;
  /** e.g. `image/png`, `audio/wav`, `model/gltf-binary`. */
  contentType: string;
  /** e.g. `png`, `wav`, `glb`, `mp3`. */
  format: string;
  bytes: Uint8Array;
}

export interface GenerationResult {
  /** The main file first; more files (a texture set, a stem) may follow. */
  files: GeneratedFile[];
  /** What the generation cost, in USD (the provider's own figure when it reports one, else its price table's). */
  costUsd: number;
  /** The provider's model or engine that made it (for metadata; never shown on GAIA's v0.3 surface). */
  model?: string;
  /** Provider details worth keeping (task ids, seeds, license notes). */
  metadata?: Record<string, unknown>;
}

/** What a provider gets for one run. */
export interface ProviderContext {
  /** Aborted when the job is cancelled, times out, or the worker shuts down: stop and throw. */
  signal: AbortSignal;
  /** Reports progress, 0–100 (monotonic; the service ignores going back). */
  onProgress(percent: number, message?: string): void;
  logger: Logger;
  /**
   * Waits for the provider's webhook about `taskId` (the asset service's `POST /api/v1/assets/webhooks/<provider>`
   * delivers it once the provider's {@link AssetProvider.webhook} verified it); rejects on `signal`. Providers that
   * poll do not need it.
   */
  waitForCallback?(taskId: string): Promise<unknown>;
}

/** A provider's failure, classified so the job runner knows whether another attempt can help. */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    /** `retryable`: 429, 5xx, timeouts, network; `refused`: the provider refused this request (4xx, content policy). */
    readonly kind: 'retryable' | 'refused' | 'misconfigured',
    message: string,
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.retryAfterMs = options.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

/**
 * An asset provider: one folder per provider (`providers/<name>/`), the same files in each (`api.ts` base URL,
 * headers and endpoints; `generate.ts`; `index.ts` building it from settings), real wire protocols, official SDKs
 * where they exist.
 */
export interface AssetProvider {
  /** `local`, `openai`, `stability`, `midjourney`, `mubert`, `meshy`. */
  readonly name: string;
  readonly kinds: readonly AssetKind[];
  /** Estimated cost in USD of `request`, from the provider's price table (config), before anything runs. */
  estimate(request: GenerationRequest): number;
  generate(request: GenerationRequest, context: ProviderContext): Promise<GenerationResult>;
  /** Verifies a webhook the provider sent (its signature); the task it is about, or `null` when it does not verify. */
  webhook?: {
    verify(headers: Headers, rawBody: string): { taskId: string; payload: unknown } | null;
  };
}
