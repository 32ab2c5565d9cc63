import type { AssetProviderRegistry } from '../providers/registry.ts';
import type { AssetCategory, AssetProvider, GenerationRequest } from '../providers/types.ts';
import { toMicros } from './money.ts';

/** The providers the service may call, and which one takes a request. */
export interface ProviderCatalog {
  /** The provider named `override` (when given), else the one the request's category routes to; undefined when none. */
  route(request: GenerationRequest, override?: string): AssetProvider | undefined;
  get(name: string): AssetProvider | undefined;
  names(): string[];
}

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
 * What a request is expected to cost on `provider`, in micro-dollars (its `estimate`: the operator's `ASSET_PRICES`
 * first, then the adapter's defaults).
 * @example estimateMicros(provider, request)
 */
export function estimateMicros(provider: AssetProvider, request: GenerationRequest): number {
  const usd = provider.estimate(request);
  return Number.isFinite(usd) && usd > 0 ? toMicros(usd) : 0;
}

/**
 * The provider registry (`providers/registry.ts`: configured providers, routing by category with `ASSET_ROUTES`,
 * the local fallback) as the service's catalog. A bad override is refused by the registry (400 naming the choices).
 * @example const providers = registryCatalog(createAssetProviderRegistry(settings.providers, logger));
 */
export function registryCatalog(registry: AssetProviderRegistry): ProviderCatalog {
  return {
    route: (request, override) => registry.resolve({ category: request.category, kind: request.kind, provider: override }).provider,
    get: (name) => registry.get(name),
    names: () => registry.names(),
  };
}
