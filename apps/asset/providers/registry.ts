import { ApiError } from '../../../lib/errors/api-error.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { createLocalProvider, LOCAL_PROVIDER } from './local/index.ts';
import { MESHY_KINDS, MESHY_PROVIDER, type MeshySettings } from './meshy/api.ts';
import { createMeshyProvider } from './meshy/index.ts';
import { MIDJOURNEY_KINDS, MIDJOURNEY_PROVIDER, type MidjourneySettings } from './midjourney/api.ts';
import { createMidjourneyProvider } from './midjourney/index.ts';
import { MUBERT_KINDS, MUBERT_PROVIDER, type MubertSettings } from './mubert/api.ts';
import { createMubertProvider } from './mubert/index.ts';
import { OPENAI_KINDS, OPENAI_PROVIDER, type OpenAiImagesSettings } from './openai/api.ts';
import { createOpenAiImagesProvider } from './openai/index.ts';
import { STABILITY_KINDS, STABILITY_PROVIDER, type StabilitySettings } from './stability/api.ts';
import { createStabilityProvider } from './stability/index.ts';
import { ASSET_KINDS, type AssetCategory, type AssetKind, type AssetProvider } from './types.ts';

/** What each GAIA category is made as. */
export const KIND_OF_CATEGORY: Record<AssetCategory, AssetKind> = {
  environment: 'model3d',
  character: 'model3d',
  prop: 'model3d',
  animation: 'model3d',
  texture: 'texture',
  image: 'image',
  audio: 'audio',
};

/** Every provider this build knows, and what each makes. */
export const PROVIDER_KINDS = {
  [LOCAL_PROVIDER]: ASSET_KINDS,
  [OPENAI_PROVIDER]: OPENAI_KINDS,
  [STABILITY_PROVIDER]: STABILITY_KINDS,
  [MIDJOURNEY_PROVIDER]: MIDJOURNEY_KINDS,
  [MUBERT_PROVIDER]: MUBERT_KINDS,
  [MESHY_PROVIDER]: MESHY_KINDS,
} as const satisfies Record<string, readonly AssetKind[]>;
export type ProviderName = keyof typeof PROVIDER_KINDS;
export const PROVIDER_NAMES = Object.keys(PROVIDER_KINDS) as ProviderName[];

/** Routing as GAIA does it: 3D → Meshy, textures → Midjourney then Stability, images → OpenAI, audio → Mubert. */
export const DEFAULT_ROUTES: Record<AssetCategory, ProviderName[]> = {
  environment: [MESHY_PROVIDER],
  character: [MESHY_PROVIDER],
  prop: [MESHY_PROVIDER],
  animation: [MESHY_PROVIDER],
  texture: [MIDJOURNEY_PROVIDER, STABILITY_PROVIDER],
  image: [OPENAI_PROVIDER],
  audio: [MUBERT_PROVIDER],
};

/** The variable(s) that configure each provider, for "not configured" messages. */
export const PROVIDER_VARIABLES: Record<ProviderName, string> = {
  local: '(always configured)',
  openai: 'OPENAI_API_KEY',
  stability: 'STABILITY_API_KEY',
  midjourney: 'MIDJOURNEY_PROXY_URL',
  mubert: 'MUBERT_CUSTOMER_ID and MUBERT_ACCESS_TOKEN',
  meshy: 'MESHY_API_KEY',
};

/** Which remote providers are configured (the local one always is), and any routing overrides (`ASSET_ROUTES`). */
export interface AssetProviderSettings {
  openai?: OpenAiImagesSettings;
  stability?: StabilitySettings;
  midjourney?: MidjourneySettings;
  mubert?: MubertSettings;
  meshy?: MeshySettings;
  /** Per category, the providers to try in order (the first configured one that makes the kind wins). */
  routes?: Partial<Record<AssetCategory, ProviderName[]>>;
}

/** The provider a request goes to, and why. */
export interface ResolvedProvider {
  provider: AssetProvider;
  /** Set when routing fell back to `local`: the providers routing wanted, and why none could serve. */
  fallback?: { wanted: ProviderName[]; reason: string };
}

export interface AssetProviderRegistry {
  /** The configured providers' names, `local` first. */
  names(): ProviderName[];
  get(name: string): AssetProvider | undefined;
  /**
   * The provider for a request: `provider` when the caller named one (an error if it is unknown, not configured or
   * does not make the kind), else the category's route, else `local` (with `fallback` saying why).
   */
  resolve(request: { category: AssetCategory; kind: AssetKind; provider?: string | undefined }): ResolvedProvider;
}

const isProviderName = (name: string): name is ProviderName => Object.hasOwn(PROVIDER_KINDS, name);
const makes = (name: ProviderName, kind: AssetKind): boolean => (PROVIDER_KINDS[name] as readonly AssetKind[]).includes(kind);

/** The local provider, and each remote one whose settings are present. */
function build(settings: AssetProviderSettings): Map<ProviderName, AssetProvider> {
  const providers = new Map<ProviderName, AssetProvider>([[LOCAL_PROVIDER, createLocalProvider()]]);
  if (settings.openai) providers.set(OPENAI_PROVIDER, createOpenAiImagesProvider(settings.openai));
  if (settings.stability) providers.set(STABILITY_PROVIDER, createStabilityProvider(settings.stability));
  if (settings.midjourney) providers.set(MIDJOURNEY_PROVIDER, createMidjourneyProvider(settings.midjourney));
  if (settings.mubert) providers.set(MUBERT_PROVIDER, createMubertProvider(settings.mubert));
  if (settings.meshy) providers.set(MESHY_PROVIDER, createMeshyProvider(settings.meshy));
  return providers;
}

/**
 * The configured asset providers and the routing between them.
 * @example const registry = createAssetProviderRegistry(assetProviderSettings(config), logger);
 *          const { provider, fallback } = registry.resolve({ category: 'texture', kind: 'texture' });
 */
export function createAssetProviderRegistry(settings: AssetProviderSettings, logger: Logger): AssetProviderRegistry {
  const providers = build(settings);
  const configured = () => [...providers.keys()];

  function explicit(name: string, kind: AssetKind): ResolvedProvider {
    const details = { field: 'provider', configured: configured() };
    if (!isProviderName(name)) {
      throw new ApiError('VALIDATION_FAILED', `Unknown asset provider '${name.slice(0, 40)}': use one of ${PROVIDER_NAMES.join(', ')}`, { details });
    }
    const provider = providers.get(name);
    if (!provider) {
      throw new ApiError('VALIDATION_FAILED', `Asset provider '${name}' is not configured: set ${PROVIDER_VARIABLES[name]}, or use one of ${configured().join(', ')}`, { details });
    }
    if (!makes(name, kind)) {
      throw new ApiError('VALIDATION_FAILED', `Asset provider '${name}' makes ${PROVIDER_KINDS[name].join(', ')}, not ${kind}`, { details });
    }
    return { provider };
  }

  return {
    names: configured,
    get: (name) => (isProviderName(name) ? providers.get(name) : undefined),
    resolve({ category, kind, provider }) {
      if (provider) return explicit(provider, kind);
      const wanted = settings.routes?.[category] ?? DEFAULT_ROUTES[category];
      const chosen = wanted.find((name) => providers.has(name) && makes(name, kind));
      if (chosen) return { provider: providers.get(chosen)! };
      const reason = wanted.map((name) => (makes(name, kind) ? `${name} is not configured (set ${PROVIDER_VARIABLES[name]})` : `${name} does not make ${kind}`)).join('; ');
      logger.info('asset routed to the local provider', { category, kind, wanted, reason });
      return { provider: providers.get(LOCAL_PROVIDER)!, fallback: { wanted, reason } };
    },
  };
}
