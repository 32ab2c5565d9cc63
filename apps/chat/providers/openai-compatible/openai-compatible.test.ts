import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderError } from '../../engine/types.ts';
import { type FakeLlmServer, startFakeOpenAi } from '../../testing/fake-openai.ts';
import { collect, KB_TOOL, providerRequest, rejectionOf, textOf } from '../testing.ts';
import { createOpenAiCompatibleProvider } from './index.ts';

let fake: FakeLlmServer;
afterEach(() => fake?.close());

describe('openai-compatible provider (Ollama, vLLM, LM Studio, OpenRouter)', () => {
  it('streams from a configurable base URL without a key: no Authorization header, max_tokens', async () => {
    fake = await startFakeOpenAi({ scripts: [{ text: 'Local llama says hi.' }] });
    const provider = createOpenAiCompatibleProvider({ baseURL: fake.baseURL, models: ['llama3.1'] });
    const events = await collect(provider.stream(providerRequest({ model: 'llama3.1', maxTokens: 64 })));

    expect(provider.name).toBe('openai-compatible');
    expect(textOf(events)).toBe('Local llama says hi.');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    expect(fake.requests[0]?.body).toMatchObject({ model: 'llama3.1', max_tokens: 64, stream: true });
  });

  it('sends the key and extra headers when configured (OpenRouter)', async () => {
    fake = await startFakeOpenAi();
    const provider = createOpenAiCompatibleProvider({
      baseURL: fake.baseURL,
      apiKey: 'or-key',
      headers: { 'X-Title': 'GAIA' },
      models: ['meta-llama/llama-3.1-8b-instruct'],
    });
    await collect(provider.stream(providerRequest()));
    expect(fake.requests[0]?.headers).toMatchObject({ authorization: 'Bearer or-key', 'x-title': 'GAIA' });
  });

  it('without streaming: one JSON request, the same events (tool calls, usage, finish)', async () => {
    fake = await startFakeOpenAi({ scripts: [{ text: 'Looking.', toolCalls: [{ name: 'kb_context', arguments: '{"query":"x"}' }] }] });
    const provider = createOpenAiCompatibleProvider({ baseURL: fake.baseURL, models: ['m'], stream: false });
    const events = await collect(provider.stream(providerRequest({ tools: [KB_TOOL] })));

    expect(fake.requests[0]?.stream).toBe(false);
    expect(events).toEqual([
      { type: 'text', text: 'Looking.' },
      { type: 'tool_call', call: { id: 'call_fake_0', name: 'kb_context', arguments: '{"query":"x"}' } },
      { type: 'usage', usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('maps an invalid JSON body to invalid_response', async () => {
    fake = await startFakeOpenAi({ scripts: [{ invalidJson: true }] });
    const provider = createOpenAiCompatibleProvider({ baseURL: fake.baseURL, models: ['m'], stream: false });
    const err = (await rejectionOf(collect(provider.stream(providerRequest())))) as ProviderError;
    expect(err.kind).toBe('invalid_response');
  });
});
