import type { AssetCategory, AssetKind, AssetProvider, GenerationRequest } from '../providers/types.ts';
import { toMicros } from './money.ts';

/** The providers the service may call, and which one takes a request. */
export interface ProviderCatalog {
  /** The provider named `override` (when given), else the one the request's category routes to; undefined when none. */
  route(request: GenerationRequest, override?: string): AssetProvider | undefined;
  get(name: string): AssetProvider | undefined;
  names(): string[];
}

/** Price overrides from config, USD per generation: `{"openai": {"image": 0.04}}`. */
export type PriceTable = Record<string, Partial<Record<AssetKind, number>>>;

/**
 * A catalog over a fixed list: a category goes to the provider `routes` names for it, else to the first provider
 * that makes its kind.
 * @example const catalog = staticCatalog([local], { texture: 'local' });
 */
export function staticCatalog(providers: AssetProvider[], routes: Partial<Record<AssetCategory, string>> = {}): ProviderCatalog {
  const byName = new Map(providers.map((p) => [p.name, p]));
  return {
    route(request, override) {
      if (override !== undefined) {
        const named = byName.get(override);
        return named?.kinds.includes(request.kind) ? named : undefined;
      }
      const routed = routes[request.category];
      const preferred = routed ? byName.get(routed) : undefined;
      if (preferred?.kinds.includes(request.kind)) return preferred;
      return providers.find((p) => p.kinds.includes(request.kind));
    },
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}

/**
 * What a request is expected to cost on `provider`, in micro-dollars: the configured price when there is one, else
 * the provider's own estimate (its price table).
 * @example estimateMicros(provider, request, { openai: { image: 0.04 } })
 */
export function estimateMicros(provider: AssetProvider, request: GenerationRequest, prices: PriceTable): number {
  const configured = prices[provider.name]?.[request.kind];
  const usd = configured ?? provider.estimate(request);
  return Number.isFinite(usd) && usd > 0 ? toMicros(usd) : 0;
}
