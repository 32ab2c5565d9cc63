import OpenAI from 'openai';
import type { ProviderRuntime } from '../runtime.ts';
import type { AssetKind } from '../types.ts';

export const OPENAI_PROVIDER = 'openai';
export const OPENAI_KINDS: readonly AssetKind[] = ['image', 'texture'];
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_IMAGE_MODEL = 'gpt-image-1';

/** How to reach OpenAI's Images API; built from config by the entry file (never from the environment here). */
export interface OpenAiImagesSettings {
  apiKey: string;
  /** Default {@link OPENAI_BASE_URL}. */
  baseURL?: string;
  /** `gpt-image-1` (default), `gpt-image-1-mini`, `dall-e-3`, `dall-e-2`. */
  model?: string;
  runtime: ProviderRuntime;
}

/**
 * An `openai` SDK client for the Images API: every option explicit so the SDK never reads `OPENAI_*` from the
 * environment; its own retries off (the provider retries, honouring Retry-After the same way for every provider);
 * its timeout a backstop behind the provider's per-attempt one.
 * @example const client = createImagesClient({ apiKey, runtime });
 */
export function createImagesClient(settings: OpenAiImagesSettings): OpenAI {
  return new OpenAI({
    apiKey: settings.apiKey,
    organization: null,
    project: null,
    baseURL: settings.baseURL ?? OPENAI_BASE_URL,
    maxRetries: 0,
    timeout: settings.runtime.reliability.timeoutMs + 1_000,
    logLevel: 'off',
  });
}
