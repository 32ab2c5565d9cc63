import { remoteProvider } from '../runtime.ts';
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
  return remoteProvider(OPENAI_PROVIDER, OPENAI_KINDS, settings.runtime, (request, context) => generateWithOpenAi(client, settings, request, context));
}
