import type { ChatProvider } from '../../engine/types.ts';
import { createOpenAiProtocolProvider } from '../openai/index.ts';
import { createOpenAiCompatibleClient, type OpenAiCompatibleSettings } from './api.ts';

export type { OpenAiCompatibleSettings } from './api.ts';

/**
 * Any OpenAI-protocol server (Ollama, vLLM, LM Studio, OpenRouter): the OpenAI adapter with a configurable base URL,
 * an optional key and the widely supported `max_tokens`.
 * @example createOpenAiCompatibleProvider({ baseURL: 'http://127.0.0.1:11434/v1', models: ['llama3.1'] })
 */
export function createOpenAiCompatibleProvider(settings: OpenAiCompatibleSettings): ChatProvider {
  return createOpenAiProtocolProvider(createOpenAiCompatibleClient(settings), {
    name: 'openai-compatible',
    maxTokensField: 'max_tokens',
    stream: settings.stream ?? true,
  });
}
