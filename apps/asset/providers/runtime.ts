import type { Reliability } from './retry.ts';
import type { AssetKind, AssetProvider, GenerationRequest } from './types.ts';

/**
 * USD per generation, keyed `provider` or `provider:quality` (the more specific wins), e.g.
 * `{ openai: 0.042, 'openai:high': 0.167 }`: the defaults each adapter is priced with.
 */
export type PriceTable = Record<string, number>;

/** Operator prices by provider and kind (the asset service's `ASSET_PRICES`), e.g. `{ openai: { image: 0.04 } }`. */
export type PriceOverrides = Record<string, Partial<Record<AssetKind, number>>>;

/** Defaults for each provider's default model (list prices when written; override with `ASSET_PRICES`). */
export const DEFAULT_PRICES: PriceTable = {
  local: 0,
  openai: 0.042,
  'openai:low': 0.011,
  'openai:high': 0.167,
  'openai:ultra': 0.167,
  stability: 0.03,
  /** Subscription services: a per-generation share to budget with; set your own. */
  midjourney: 0.05,
  mubert: 0.05,
  /** A Meshy-6 preview: 20 credits at $0.02. */
  meshy: 0.4,
};

/**
 * The price of `request` on `provider`: the operator's price for its kind, else `provider:quality`, else `provider`
 * from the defaults, else 0. Estimates and recorded costs both come from here, so they agree.
 * @example priceOf(runtime, 'openai', request) // 0.167 for quality high
 */
export function priceOf(runtime: Pick<ProviderRuntime, 'prices' | 'priceOverrides'>, provider: string, request: GenerationRequest): number {
  const override = runtime.priceOverrides?.[provider]?.[request.kind];
  if (override !== undefined) return override;
  const quality = request.requirements.quality;
  return (quality && runtime.prices[`${provider}:${quality}`]) ?? runtime.prices[provider] ?? 0;
}

/** What every remote provider shares: how it calls, polls, downloads and prices. */
export interface ProviderRuntime {
  reliability: Reliability;
  prices: PriceTable;
  priceOverrides?: PriceOverrides;
  /** Between two looks at a remote task, and how long it may take in all. */
  poll: { intervalMs: number; timeoutMs: number };
  /** The largest result file downloaded (a `requirements.fileSizeMaxMb` lowers it). */
  maxDownloadBytes: number;
}

/** The download cap for `request`: its `fileSizeMaxMb` if lower than the runtime's. */
export const downloadCap = (runtime: ProviderRuntime, request: GenerationRequest): number =>
  Math.min(runtime.maxDownloadBytes, request.requirements.fileSizeMaxMb === undefined ? Number.POSITIVE_INFINITY : Math.floor(request.requirements.fileSizeMaxMb * 1024 * 1024));

/** A base URL without its trailing slashes, so endpoints join with one. */
export const trimSlashes = (url: string): string => url.replace(/\/+$/, '');

/**
 * A remote provider from its parts: estimates come from the runtime's price table; `verify`, when given, is its
 * webhook verifier.
 * @example return remoteProvider(MESHY_PROVIDER, MESHY_KINDS, settings.runtime, (request, context) => generateWithMeshy(settings, request, context));
 */
export function remoteProvider(
  name: string,
  kinds: readonly AssetKind[],
  runtime: ProviderRuntime,
  generate: AssetProvider['generate'],
  verify?: NonNullable<AssetProvider['webhook']>['verify'],
): AssetProvider {
  return { name, kinds, estimate: (request) => priceOf(runtime, name, request), generate, ...(verify ? { webhook: { verify } } : {}) };
}
