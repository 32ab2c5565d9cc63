import type { ChatProvider, ProviderEvent, ProviderRequest } from '../../engine/types.ts';
import { abortedError, toProviderError } from '../errors.ts';
import { type AnthropicSettings, anthropicErrors, createAnthropicClient } from './api.ts';
import { DEFAULT_MAX_TOKENS, toAnthropicRequest, toAnthropicRequestNonStreaming } from './request.ts';
import { fromAnthropicMessage } from './response.ts';
import { anthropicStreamEvents } from './stream.ts';

export type { AnthropicSettings } from './api.ts';

/**
 * Anthropic's Messages API through the official SDK. The request's signal is passed to the SDK, so aborting stops
 * the HTTP request.
 * @example const anthropic = createAnthropicProvider({ apiKey, models: ['claude-sonnet-4-5'] });
 */
export function createAnthropicProvider(settings: AnthropicSettings): ChatProvider {
  const name = 'anthropic';
  const client = createAnthropicClient(settings);
  const maxTokens = settings.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;

  async function* events(request: ProviderRequest): AsyncGenerator<ProviderEvent> {
    if (settings.stream === false) {
      const body = toAnthropicRequestNonStreaming(request, maxTokens);
      yield* fromAnthropicMessage(await client.messages.create(body, { signal: request.signal }), name);
      return;
    }
    const stream = await client.messages.create(toAnthropicRequest(request, maxTokens), { signal: request.signal });
    yield* anthropicStreamEvents(stream, name);
  }

  return {
    name,
    async *stream(request) {
      try {
        yield* events(request);
      } catch (err) {
        throw request.signal.aborted ? abortedError(name, err) : toProviderError(err, name, anthropicErrors);
      }
    },
  };
}
