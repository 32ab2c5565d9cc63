import { afterEach, describe, expect, it } from 'vitest';
import { type ChatMessage, ProviderError } from '../../engine/types.ts';
import { type FakeLlmServer, startFakeAnthropic } from '../../testing/fake-anthropic.ts';
import { collect, KB_TOOL, providerRequest, rejectionOf, textOf } from '../testing.ts';
import { createAnthropicProvider } from './index.ts';

let fake: FakeLlmServer;
afterEach(() => fake?.close());

const provider = (stream?: boolean) =>
  createAnthropicProvider({ apiKey: 'sk-ant-test', baseURL: fake.baseURL, models: ['claude-fake-1'], ...(stream === false ? { stream } : {}) });

describe('anthropic provider (official SDK against the fake)', () => {
  it('streams text, with usage from message_start/message_delta, the system prompt separate', async () => {
    fake = await startFakeAnthropic({ scripts: [{ text: 'Hello from Claude.', usage: { inputTokens: 21, outputTokens: 5 } }] });
    const events = await collect(provider().stream(providerRequest({ model: 'claude-fake-1', temperature: 0 })));

    expect(events.filter((e) => e.type === 'text').length).toBe(3);
    expect(textOf(events)).toBe('Hello from Claude.');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 21, outputTokens: 5 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(fake.requests[0]?.path).toBe('/v1/messages');
    expect(fake.requests[0]?.body).toEqual({
      model: 'claude-fake-1',
      max_tokens: 4096,
      stream: true,
      temperature: 0,
      system: 'You are terse.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }],
    });
  });

  it('assembles input_json_delta pieces into tool calls; sends tool_use and tool_result blocks', async () => {
    fake = await startFakeAnthropic({
      scripts: [
        {
          text: 'Let me look.',
          toolCalls: [
            { id: 'toolu_1', name: 'kb_context', arguments: '{"query":"deploy the kb service"}' },
            { id: 'toolu_2', name: 'kb_context', arguments: '{"query":"rollback"}' },
          ],
        },
      ],
    });
    const messages: ChatMessage[] = [
      { role: 'user', content: 'How?' },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [
          { id: 'a', name: 'kb_context', arguments: '{"query":"how"}' },
          { id: 'b', name: 'kb_context', arguments: 'not json' },
        ],
      },
      { role: 'tool', content: '{"passages":[]}', toolCallId: 'a', name: 'kb_context' },
      { role: 'tool', content: 'timed out', toolCallId: 'b', name: 'kb_context', isError: true },
    ];
    const events = await collect(provider().stream(providerRequest({ messages, tools: [KB_TOOL] })));

    expect(textOf(events)).toBe('Let me look.');
    expect(events.filter((e) => e.type === 'tool_call')).toEqual([
      { type: 'tool_call', call: { id: 'toolu_1', name: 'kb_context', arguments: '{"query":"deploy the kb service"}' } },
      { type: 'tool_call', call: { id: 'toolu_2', name: 'kb_context', arguments: '{"query":"rollback"}' } },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
    expect(fake.requests[0]?.body).toMatchObject({
      tools: [{ name: 'kb_context', description: KB_TOOL.description, input_schema: KB_TOOL.parameters }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'How?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'a', name: 'kb_context', input: { query: 'how' } },
            { type: 'tool_use', id: 'b', name: 'kb_context', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'a', content: '{"passages":[]}' },
            { type: 'tool_result', tool_use_id: 'b', content: 'timed out', is_error: true },
          ],
        },
      ],
    });
  });

  it('without streaming: the same events', async () => {
    fake = await startFakeAnthropic({ scripts: [{ text: 'Fine.', toolCalls: [{ id: 't', name: 'kb_context', arguments: '{"query":"q"}' }], usage: { inputTokens: 3, outputTokens: 2 } }] });
    const events = await collect(provider(false).stream(providerRequest({ tools: [KB_TOOL] })));
    expect(fake.requests[0]?.stream).toBe(false);
    expect(events).toEqual([
      { type: 'text', text: 'Fine.' },
      { type: 'tool_call', call: { id: 't', name: 'kb_context', arguments: '{"query":"q"}' } },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 2 } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it.each([
    [{ status: 429, headers: { 'retry-after': '3' } }, 'rate_limited', 3000],
    [{ status: 529 }, 'server', undefined],
    [{ status: 500 }, 'server', undefined],
    [{ status: 403 }, 'auth', undefined],
    [{ status: 422 }, 'bad_request', undefined],
    [{ invalidJson: true }, 'invalid_response', undefined],
  ])('maps %j to %s', async (script, kind, retryAfterMs) => {
    fake = await startFakeAnthropic({ scripts: [script] });
    const err = (await rejectionOf(collect(provider().stream(providerRequest())))) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe(kind);
    expect(err.options.retryAfterMs).toBe(retryAfterMs);
  });

  it('maps an invalid JSON body (non-streaming) to invalid_response', async () => {
    fake = await startFakeAnthropic({ scripts: [{ invalidJson: true }] });
    const err = (await rejectionOf(collect(provider(false).stream(providerRequest())))) as ProviderError;
    expect(err.kind).toBe('invalid_response');
  });

  it('surfaces a stream cut mid-way as network after the text already streamed', async () => {
    fake = await startFakeAnthropic({ scripts: [{ text: 'one two three four', cutAfterTokens: 3 }] });
    const seen: never[] = [];
    const err = (await rejectionOf(collect(provider().stream(providerRequest()), seen))) as ProviderError;
    expect(err.kind).toBe('network');
    expect(textOf(seen)).toBe('one two three ');
  });

  it('stops the HTTP request when the signal aborts (the fake sees the socket close)', async () => {
    fake = await startFakeAnthropic({ scripts: [{ words: 200, tokenDelayMs: 20 }] });
    const controller = new AbortController();
    const seen: never[] = [];
    const run = collect(provider().stream(providerRequest({ signal: controller.signal })), seen);
    while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(((await rejectionOf(run)) as ProviderError).kind).toBe('aborted');
    expect(await fake.requests[0]?.ended).toBe('closed');
  });
});
