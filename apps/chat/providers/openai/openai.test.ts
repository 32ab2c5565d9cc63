import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../engine/types.ts';
import { type FakeLlmServer, startFakeOpenAi } from '../../testing/fake-openai.ts';
import { collect, KB_TOOL, providerRequest, rejectionOf, textOf } from '../testing.ts';
import { createOpenAiProvider } from './index.ts';

let fake: FakeLlmServer;
afterEach(() => fake?.close());

const provider = () => createOpenAiProvider({ apiKey: 'sk-test', baseURL: fake.baseURL, models: ['gpt-4o-mini'] });

describe('openai provider (official SDK against the fake)', () => {
  it('streams text word by word, then usage and finish, sending include_usage and the key', async () => {
    fake = await startFakeOpenAi({ scripts: [{ text: 'Hello there, friend.', usage: { inputTokens: 12, outputTokens: 4 } }] });
    const events = await collect(provider().stream(providerRequest({ model: 'gpt-4o-mini', maxTokens: 50, temperature: 0.2 })));

    expect(events.filter((e) => e.type === 'text').map((e) => (e.type === 'text' ? e.text : ''))).toEqual(['Hello ', 'there, ', 'friend.']);
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 4 } },
      { type: 'finish', reason: 'stop' },
    ]);
    const [request] = fake.requests;
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 50,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello.' },
      ],
    });
  });

  it('assembles tool calls whose arguments are split over chunks and sends tools and tool turns', async () => {
    fake = await startFakeOpenAi({
      scripts: [
        {
          toolCalls: [
            { id: 'call_a', name: 'kb_context', arguments: '{"query":"deploy the kb service"}' },
            { id: 'call_b', name: 'kb_context', arguments: '{"query":"rollback"}' },
          ],
        },
      ],
    });
    const messages = [
      { role: 'user' as const, content: 'How?' },
      { role: 'assistant' as const, content: '', toolCalls: [{ id: 'c0', name: 'kb_context', arguments: '{"query":"how"}' }] },
      { role: 'tool' as const, content: 'boom', toolCallId: 'c0', name: 'kb_context', isError: true },
    ];
    const events = await collect(provider().stream(providerRequest({ messages, tools: [KB_TOOL] })));

    expect(events.filter((e) => e.type === 'tool_call')).toEqual([
      { type: 'tool_call', call: { id: 'call_a', name: 'kb_context', arguments: '{"query":"deploy the kb service"}' } },
      { type: 'tool_call', call: { id: 'call_b', name: 'kb_context', arguments: '{"query":"rollback"}' } },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
    expect(events.some((e) => e.type === 'usage')).toBe(true);
    expect(fake.requests[0]?.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'kb_context', parameters: KB_TOOL.parameters } }],
      messages: [
        { role: 'user', content: 'How?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c0', type: 'function', function: { name: 'kb_context' } }] },
        { role: 'tool', tool_call_id: 'c0', content: 'Error: boom' },
      ],
    });
  });

  it.each([
    [{ status: 429, headers: { 'retry-after': '2' } }, 'rate_limited', 2000],
    [{ status: 429, headers: { 'retry-after-ms': '150' } }, 'rate_limited', 150],
    [{ status: 500 }, 'server', undefined],
    [{ status: 503 }, 'server', undefined],
    [{ status: 401 }, 'auth', undefined],
    [{ status: 404 }, 'bad_request', undefined],
    [{ status: 400 }, 'bad_request', undefined],
    [{ invalidJson: true }, 'invalid_response', undefined],
  ])('maps %j to %s', async (script, kind, retryAfterMs) => {
    fake = await startFakeOpenAi({ scripts: [script] });
    const err = (await rejectionOf(collect(provider().stream(providerRequest())))) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe(kind);
    expect(err.options.retryAfterMs).toBe(retryAfterMs);
    expect(err.options.provider).toBe('openai');
  });

  it('maps a refused connection to network', async () => {
    fake = await startFakeOpenAi();
    const baseURL = fake.baseURL;
    await fake.close();
    const openai = createOpenAiProvider({ apiKey: 'k', baseURL, models: ['m'] });
    const err = (await rejectionOf(collect(openai.stream(providerRequest())))) as ProviderError;
    expect(err.kind).toBe('network');
    expect(err.retryable).toBe(true);
  });

  it('surfaces a stream cut mid-way as network after the text already streamed', async () => {
    fake = await startFakeOpenAi({ scripts: [{ text: 'one two three four five', cutAfterTokens: 2 }] });
    const seen: unknown[] = [];
    const err = (await rejectionOf(collect(provider().stream(providerRequest()), seen as never[]))) as ProviderError;
    expect(err.kind).toBe('network');
    expect(textOf(seen as never[])).toBe('one two ');
  });

  it('stops the HTTP request when the signal aborts (the fake sees the socket close)', async () => {
    fake = await startFakeOpenAi({ scripts: [{ words: 200, tokenDelayMs: 20 }] });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const run = collect(provider().stream(providerRequest({ signal: controller.signal })), seen as never[]);
    while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const err = (await rejectionOf(run)) as ProviderError;
    expect(err.kind).toBe('aborted');
    expect(await fake.requests[0]?.ended).toBe('closed');
  });

  it('benchmark mode: first token after firstTokenDelayMs, then a steady tokensPerSecond', async () => {
    fake = await startFakeOpenAi({ script: { words: 21, firstTokenDelayMs: 50, tokensPerSecond: 200 } });
    const started = performance.now();
    let firstText: number | undefined;
    let texts = 0;
    for await (const event of provider().stream(providerRequest())) {
      if (event.type !== 'text') continue;
      firstText ??= performance.now() - started;
      texts++;
    }
    const total = performance.now() - started;
    expect(texts).toBe(21);
    expect(firstText).toBeGreaterThanOrEqual(48);
    expect(total).toBeGreaterThanOrEqual(145); // 50 ms + 20 gaps of 5 ms
    expect(total).toBeLessThan(600);
  });
});
