import type OpenAI from 'openai';
import type { ChatProvider, ProviderEvent, ProviderRequest } from '../../engine/types.ts';
import { abortedError, toProviderError } from '../errors.ts';
import { createOpenAiClient, OPENAI_BASE_URL, type OpenAiSettings, openAiErrors } from './api.ts';
import { type MaxTokensField, toOpenAiRequest, toOpenAiRequestNonStreaming } from './request.ts';
import { fromOpenAiCompletion } from './response.ts';
import { openAiStreamEvents } from './stream.ts';

export type { OpenAiSettings } from './api.ts';

/** How one OpenAI-protocol provider differs from another (shared by `openai` and `openai-compatible`). */
export interface OpenAiProtocolOptions {
  name: string;
  maxTokensField?: MaxTokensField;
  /** Default true; false sends one JSON request (for servers that cannot stream tool calls). */
  stream?: boolean;
}

/**
 * A provider speaking OpenAI's Chat Completions protocol through `client`: the base of `openai` and
 * `openai-compatible`. The request's signal is passed to the SDK, so aborting stops the HTTP request.
 * @example createOpenAiProtocolProvider(createOpenAiClient({ baseURL }), { name: 'openai-compatible' })
 */
export function createOpenAiProtocolProvider(client: OpenAI, options: OpenAiProtocolOptions): ChatProvider {
  const { name, maxTokensField = 'max_completion_tokens', stream = true } = options;

  async function* events(request: ProviderRequest): AsyncGenerator<ProviderEvent> {
    if (stream) {
      const chunks = await client.chat.completions.create(toOpenAiRequest(request, maxTokensField), {
        signal: request.signal,
      });
      yield* openAiStreamEvents(chunks, name);
    } else {
      const body = toOpenAiRequestNonStreaming(request, maxTokensField);
      yield* fromOpenAiCompletion(await client.chat.completions.create(body, { signal: request.signal }), name);
    }
  }

  return {
    name,
    async *stream(request) {
      try {
        yield* events(request);
      } catch (err) {
        throw request.signal.aborted ? abortedError(name, err) : toProviderError(err, name, openAiErrors);
      }
    },
  };
}

/**
 * OpenAI through the official SDK.
 * @example const openai = createOpenAiProvider({ apiKey, models: ['gpt-4o-mini'] });
 */
export function createOpenAiProvider(settings: OpenAiSettings): ChatProvider {
  const client = createOpenAiClient({ ...settings, baseURL: settings.baseURL ?? OPENAI_BASE_URL });
  return createOpenAiProtocolProvider(client, { name: 'openai' });
}
