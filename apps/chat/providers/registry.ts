import type { ChatProvider, ModelInfo } from '../engine/types.ts';
import { type AnthropicSettings, createAnthropicProvider } from './anthropic/index.ts';
import { createLocalProvider, LOCAL_MODEL, LOCAL_PROVIDER, type LocalSettings } from './local/index.ts';
import { createOpenAiProvider, type OpenAiSettings } from './openai/index.ts';
import { createOpenAiCompatibleProvider, type OpenAiCompatibleSettings } from './openai-compatible/index.ts';
import { createReliableProvider, type FallbackEntry, type ReliabilityOptions } from './reliability.ts';

/** Which providers are configured; the entry file builds it from the service config (keys never come from env here). */
export interface ProviderSettings {
  openai?: OpenAiSettings;
  anthropic?: AnthropicSettings;
  openaiCompatible?: OpenAiCompatibleSettings;
  local?: LocalSettings;
  defaults?: {
    /** The model used when a request names none (an id the registry resolves). Default: see `defaultModel`. */
    model?: string;
    /** Whether `fallbackChain` adds the other providers' default models after the requested one. Default true. */
    fallback?: boolean;
    /** An explicit fallback chain (model ids, tried in order after the requested one) instead of the providers' defaults. */
    fallbackModels?: string[];
  };
}

export interface RegistryOptions {
  /** Reliability for every real provider, overridable per provider name (`openai`, `anthropic`, ...). */
  reliability?: Partial<ReliabilityOptions>;
  perProvider?: Record<string, Partial<ReliabilityOptions>>;
}

/** A resolved model: the (reliability-wrapped) provider, its own model id, and what callers call it. */
export type ResolvedModel = FallbackEntry;

export interface ProviderRegistry {
  models(): ModelInfo[];
  /** `<provider>/<model>`, an alias (`<name>/<model>` for a named compatible server), or a bare model name if unique; no id → the default. */
  resolve(modelId?: string): ResolvedModel | undefined;
  defaultModel(): ModelInfo;
  provider(name: string): ChatProvider | undefined;
  /**
   * The requested model, then `defaults.fallbackModels` when set, else the first model of every other configured real
   * provider (never `local`).
   */
  fallbackChain(modelId?: string): ResolvedModel[];
}

interface Configured {
  name: 'openai' | 'anthropic' | 'openai-compatible';
  models: string[];
  build: () => ChatProvider;
  alias?: string | undefined;
}

/** The configured real providers, in default-precedence order. */
function configured({ openai, anthropic, openaiCompatible }: ProviderSettings): Configured[] {
  const list: Configured[] = [];
  if (openai?.models.length) list.push({ name: 'openai', models: openai.models, build: () => createOpenAiProvider(openai) });
  if (anthropic?.models.length) {
    list.push({ name: 'anthropic', models: anthropic.models, build: () => createAnthropicProvider(anthropic) });
  }
  if (openaiCompatible?.models.length) {
    const build = () => createOpenAiCompatibleProvider(openaiCompatible);
    list.push({ name: 'openai-compatible', models: openaiCompatible.models, build, alias: openaiCompatible.name });
  }
  return list;
}

/**
 * Every configured provider (each wrapped with its own timeouts, retries and circuit breaker) plus the always-present
 * offline `local/gaia-local`. The default model is `defaults.model`, else the first configured real provider's
 * first model (openai, anthropic, openai-compatible), else `local/gaia-local`.
 * @example createProviderRegistry({ openai: { apiKey, models: ['gpt-4o-mini'] } }).resolve('gpt-4o-mini')
 */
export function createProviderRegistry(settings: ProviderSettings, options: RegistryOptions = {}): ProviderRegistry {
  const providers = new Map<string, ChatProvider>();
  const infos: ModelInfo[] = [];
  const aliases = new Map<string, ModelInfo>();

  for (const entry of configured(settings)) {
    const reliability = { ...options.reliability, ...options.perProvider?.[entry.name] };
    providers.set(entry.name, createReliableProvider(entry.build(), reliability));
    for (const model of entry.models) {
      const info: ModelInfo = { id: `${entry.name}/${model}`, provider: entry.name, model, tools: true };
      infos.push(info);
      if (entry.alias) aliases.set(`${entry.alias}/${model}`, info);
    }
  }
  const localModel = settings.local?.model ?? LOCAL_MODEL;
  providers.set(LOCAL_PROVIDER, createLocalProvider(settings.local));
  infos.push({ id: `${LOCAL_PROVIDER}/${localModel}`, provider: LOCAL_PROVIDER, model: localModel, tools: true });

  const toResolved = (info: ModelInfo): ResolvedModel => ({ provider: providers.get(info.provider)!, model: info.model, info });

  function find(id: string): ModelInfo | undefined {
    const exact = infos.find((info) => info.id === id) ?? aliases.get(id);
    if (exact) return exact;
    const bare = infos.filter((info) => info.model === id);
    return bare.length === 1 ? bare[0] : undefined;
  }

  function defaultModel(): ModelInfo {
    const chosen = settings.defaults?.model ? find(settings.defaults.model) : undefined;
    return chosen ?? infos[0]!;
  }

  return {
    models: () => [...infos],
    resolve(modelId) {
      const info = modelId ? find(modelId) : defaultModel();
      return info && toResolved(info);
    },
    defaultModel,
    provider: (name) => providers.get(name),
    fallbackChain(modelId) {
      const first = modelId ? find(modelId) : defaultModel();
      if (!first) return [];
      if (first.provider === LOCAL_PROVIDER || settings.defaults?.fallback === false) return [toResolved(first)];
      const explicit = settings.defaults?.fallbackModels;
      if (explicit) {
        const chain = [first, ...explicit.map(find).filter((info): info is ModelInfo => info !== undefined && info.provider !== LOCAL_PROVIDER)];
        return [...new Set(chain)].map(toResolved);
      }
      const others = [...new Set(infos.map((info) => info.provider))]
        .filter((name) => name !== first.provider && name !== LOCAL_PROVIDER)
        .map((name) => infos.find((info) => info.provider === name)!);
      return [first, ...others].map(toResolved);
    },
  };
}
