import { priceOf } from '../runtime.ts';
import type { AssetProvider } from '../types.ts';
import { createImagesClient, OPENAI_KINDS, OPENAI_PROVIDER, type OpenAiImagesSettings } from './api.ts';
import { generateWithOpenAi } from './generate.ts';

export { OPENAI_PROVIDER, type OpenAiImagesSettings } from './api.ts';

/**
 * OpenAI images (gpt-image-1 by default, or DALL·E) through the official `openai` SDK.
 * @example const openai = createOpenAiImagesProvider({ apiKey, runtime });
 */
export function createOpenAiImagesProvider(settings: OpenAiImagesSettings): AssetProvider {
  const client = createImagesClient(settings);
  return {
    name: OPENAI_PROVIDER,
    kinds: OPENAI_KINDS,
    estimate: (request) => priceOf(settings.runtime.prices, OPENAI_PROVIDER, request),
    generate: (request, context) => generateWithOpenAi(client, settings, request, context),
  };
}
