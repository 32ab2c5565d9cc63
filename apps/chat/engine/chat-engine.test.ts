import OpenAI, { NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSse } from '../../../lib/sse/sse.ts';
import { getConversation } from '../store/conversations.ts';
import { listMessages } from '../store/messages.ts';
import { usageTotals } from '../store/usage.ts';
import { type ChatTestApp, chatUser, createChatTestApp } from '../testing/chat-app.ts';
import { startFakeAnthropic } from '../testing/fake-anthropic.ts';
import { type FakeLlmServer, startFakeOpenAi } from '../testing/fake-openai.ts';

/** The engine behind the routes, against fake OpenAI and Anthropic servers driven through the official SDKs. */
describe('chat engine with real provider SDKs', () => {
  let t: ChatTestApp;
  let openai: FakeLlmServer;
  let anthropic: FakeLlmServer;
  const ada = chatUser();

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    anthropic = await startFakeAnthropic();
    t = await createChatTestApp({
      settings: {
        providers: {
          openai: { apiKey: 'sk-test', baseURL: openai.baseURL, models: ['gpt-4o-mini'] },
          anthropic: { apiKey: 'sk-ant-test', baseURL: anthropic.baseURL, models: ['claude-sonnet-4-6'] },
        },
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await openai.close();
    await anthropic.close();
  });

  const v03 = async (body: Record<string, unknown>) => {
    const res = await t.call(ada, 'POST', '/api/v1/chat', { response_format: 'v0.3', ...body });
    return { status: res.status, body: (await res.json()) as { response: string; conversation_id: string; detail?: string } };
  };

  it('answers with the default model (OpenAI), stores the turn with model, provider and tokens, and totals usage', async () => {
    openai.enqueue({ text: 'Paris is the capital.', usage: { inputTokens: 11, outputTokens: 5 } });
    const { body } = await v03({ message: 'Capital of France?' });
    expect(body.response).toBe('Paris is the capital.');
    const messages = await listMessages(t.deps.store, body.conversation_id, {});
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', status: 'complete', model: 'openai/gpt-4o-mini', provider: 'openai', usage: { inputTokens: 11, outputTokens: 5 } });
    expect(await getConversation(t.deps.store, ada.userId, body.conversation_id)).toMatchObject({ title: 'Capital of France?', preview: 'Paris is the capital.' });
    expect((await usageTotals(t.deps.store, ada.userId)).outputTokens).toBeGreaterThanOrEqual(5);
  });

  it('sends the stored history and the persona prompt; another model per request (Anthropic)', async () => {
    openai.enqueue({ text: 'First answer.' });
    const first = await v03({ message: 'Remember the word kumquat.' });
    anthropic.enqueue({ text: 'You said kumquat.' });
    const second = await v03({ message: 'What word?', conversation_id: first.body.conversation_id, model: 'anthropic/claude-sonnet-4-6' });
    expect(second.body.response).toBe('You said kumquat.');
    const sent = anthropic.requests.at(-1)!.body as { system?: unknown; messages: { role: string; content: unknown }[] };
    expect(JSON.stringify(sent.messages)).toContain('kumquat');
    expect(JSON.stringify(sent.system)).toContain('Mu');
  });

  it('falls back to the next provider on 500s and stores who answered', async () => {
    openai.enqueue({ status: 500 }, { status: 500 });
    anthropic.enqueue({ text: 'Fallback answer.' });
    const { body } = await v03({ message: 'Hello?' });
    expect(body.response).toBe('Fallback answer.');
    const last = (await listMessages(t.deps.store, body.conversation_id, {})).at(-1)!;
    expect(last).toMatchObject({ provider: 'anthropic', model: 'anthropic/claude-sonnet-4-6', status: 'complete' });
  });

  it('keeps a reply cut off mid-stream as partial, and says so in the stream', async () => {
    openai.enqueue({ text: 'one two three four five six seven eight', cutAfterTokens: 3 });
    const res = await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Count', stream: true });
    const events: Record<string, unknown>[] = [];
    for await (const e of parseSse(res.body!)) events.push(JSON.parse(e.data));
    expect(events.at(-2)).toMatchObject({ type: 'error' });
    expect(JSON.stringify(events.at(-2))).not.toMatch(/openai|gpt/i);
    expect(events.at(-1)).toEqual({ type: 'done' });
    const conversationId = (events[0] as { conversation_id: string }).conversation_id;
    const stored = await listMessages(t.deps.store, conversationId, {});
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'partial'],
    ]);
    expect(stored[1]!.content).toContain('one');
  });

  it('stores the reply as partial when the client goes away mid-stream, and stops the provider request', async () => {
    openai.enqueue({ text: Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '), tokenDelayMs: 10 });
    const controller = new AbortController();
    const res = await t.app.request('/api/v0.3/chat', {
      method: 'POST',
      body: JSON.stringify({ message: 'Long story', stream: true }),
      headers: { ...(await t.as(ada)), 'content-type': 'application/json' },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('content')) seen += new TextDecoder().decode((await reader.read()).value);
    const conversationId = /"conversation_id":"([^"]+)"/.exec(seen)![1]!;
    await reader.cancel();
    controller.abort();
    expect(await openai.requests.at(-1)!.ended).toBe('closed');
    for (let i = 0; i < 100; i++) {
      const stored = await listMessages(t.deps.store, conversationId, {});
      if (stored.at(-1)?.status === 'partial' && stored.at(-1)!.content !== '') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const last = (await listMessages(t.deps.store, conversationId, {})).at(-1)!;
    expect(last.status).toBe('partial');
    expect(last.content.startsWith('w0')).toBe(true);
  });

  it('keeps the conversation consistent when every provider fails: the user message stays, the reply is an error row', async () => {
    // Invalid JSON is not retried (it is not transient): straight to the fallback, whose two attempts fail too.
    openai.enqueue({ invalidJson: true });
    anthropic.enqueue({ status: 500 }, { status: 500 });
    const res = await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Anyone there?' });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string };
    expect(body.error).not.toMatch(/openai|anthropic|gpt|claude/i);
    const list = (await (await t.call(ada, 'GET', '/api/v1/conversations')).json()) as { conversations: { id: string; title: string }[] };
    const conversation = list.conversations.find((c) => c.title === 'Anyone there?')!;
    const stored = await listMessages(t.deps.store, conversation.id, {});
    expect(stored.map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'complete', 'Anyone there?'],
      ['assistant', 'error', ''],
    ]);
    expect(stored[1]!.error).toEqual(expect.any(String));
  });

  it('times out a slow first byte and falls back; 429 with Retry-After is retried', async () => {
    openai.enqueue({ firstByteDelayMs: 3_000, text: 'too late' }, { firstByteDelayMs: 3_000, text: 'too late' });
    anthropic.enqueue({ text: 'On time.' });
    expect((await v03({ message: 'Quick?' })).body.response).toBe('On time.');
    openai.enqueue({ status: 429, headers: { 'retry-after': '0' } }, { text: 'After the limit.' });
    expect((await v03({ message: 'Again?' })).body.response).toBe('After the limit.');
  });

  it('serves the official OpenAI SDK: models, completions, streaming, and client tools passed through', async () => {
    const client = new OpenAI({
      apiKey: 'unused-here',
      baseURL: 'http://chat.internal/v1',
      fetch: async (url, init) => {
        const headers = new Headers(init?.headers);
        for (const [k, v] of Object.entries(await t.as(ada))) headers.set(k, v);
        return t.app.request(String(url).replace('http://chat.internal', ''), { ...init, headers } as RequestInit);
      },
    });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-6', 'local/gaia-local']));

    openai.enqueue({ text: 'Plain answer.' });
    const completion = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Plain answer.');

    openai.enqueue({ text: 'Streamed answer here.' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage ??= chunk.usage ?? null;
    }
    expect(text).toBe('Streamed answer here.');
    expect(usage).toMatchObject({ total_tokens: expect.any(Number) });

    openai.enqueue({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] });
    const withTools = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    expect(withTools.choices[0]!.finish_reason).toBe('tool_calls');
    expect(withTools.choices[0]!.message.tool_calls?.[0]).toMatchObject({ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    const forwarded = openai.requests.at(-1)!.body as { tools: { function: { name: string } }[] };
    expect(forwarded.tools.map((tool) => tool.function.name)).toEqual(['get_weather']);

    await expect(client.chat.completions.create({ model: 'nope/none', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
  });

  const sdk = () =>
    new OpenAI({
      apiKey: 'unused-here',
      baseURL: 'http://chat.internal/v1',
      maxRetries: 0,
      fetch: async (url, init) => {
        const headers = new Headers(init?.headers);
        for (const [k, v] of Object.entries(await t.as(ada))) headers.set(k, v);
        return t.app.request(String(url).replace('http://chat.internal', ''), { ...init, headers } as RequestInit);
      },
    });
  const sseEvents = async (res: Response) => {
    const out: Record<string, unknown>[] = [];
    for await (const e of parseSse(res.body!)) if (e.data !== '[DONE]') out.push(JSON.parse(e.data) as Record<string, unknown>);
    return out;
  };

  it('takes a GAIA request’s model as a preference: one this deployment does not serve is answered by the default, and v1 names who answered', async () => {
    openai.enqueue({ text: 'Default answered.' });
    const res = await t.call(ada, 'POST', '/api/v1/chat', { message: 'Hi', model: 'claude-sonnet-4-5' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: string; choices: { message: { content: string } }[]; _metadata: Record<string, unknown> };
    expect(body.choices[0]!.message.content).toBe('Default answered.');
    expect(body.model).toBe('gpt-4o-mini');
    expect(body._metadata.model).toBe('gpt-4o-mini');
    const log = t.runtime.logger.entries().find((e) => e.msg === 'model preference not served');
    expect(log).toMatchObject({ level: 'info', source: 'request', requested: 'claude-sonnet-4-5', instead: 'openai/gpt-4o-mini' });

    // The default fails: the fallback chain answers, and the stream's chunks name the model that did.
    openai.enqueue({ status: 500 }, { status: 500 });
    anthropic.enqueue({ text: 'Fallback streamed.' });
    const stream = await t.call(ada, 'POST', '/api/v1/chat', { message: 'Hi', model: 'anthropic/claude-opus-9', stream: true });
    expect(stream.status).toBe(200);
    const chunks = (await sseEvents(stream)).filter((e) => e.object === 'chat.completion.chunk') as { model: string }[];
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.map((c) => c.model)).toEqual(chunks.map(() => 'claude-sonnet-4-6'));

    // v0.3 keeps its exact key sets and never names a model.
    openai.enqueue({ text: 'Clean.' }, { text: 'Clean stream.' }, { text: 'V1 in v0.3 format.' });
    const v03 = await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Hi', model: 'claude-sonnet-4-5' });
    expect(Object.keys((await v03.json()) as object).sort()).toEqual(['conversation_id', 'response']);
    const v03Stream = await sseEvents(await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Hi', model: 'nope/none', stream: true }));
    expect(v03Stream.filter((e) => e.type === 'content').map((e) => Object.keys(e).sort())).toContainEqual(['content', 'type']);
    expect(JSON.stringify(v03Stream)).not.toMatch(/gpt|claude|openai|anthropic/);
    const v1v03 = (await (await t.call(ada, 'POST', '/api/v1/chat', { message: 'Hi', model: 'nope/none', response_format: 'v0.3' })).json()) as Record<string, unknown>;
    expect(Object.keys(v1v03).sort()).toEqual(['_metadata', 'conversation_id', 'message', 'response']);
    expect(JSON.stringify(v1v03)).not.toMatch(/gpt|claude|openai|anthropic/);
  });

  it('keeps /v1/chat/completions strict: an unknown model is OpenAI’s 404 model_not_found, through the official SDK', async () => {
    const requested = 'claude-sonnet-4-5';
    const err = await sdk()
      .chat.completions.create({ model: requested, messages: [{ role: 'user', content: 'x' }] })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error', param: null });
    const raw = await t.call(ada, 'POST', '/v1/chat/completions', { model: requested, messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({
      error: {
        message: 'The model `claude-sonnet-4-5` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    });
  });

  it('answers every other /v1/chat/completions error in the same OpenAI shape', async () => {
    const call = async (body: unknown, raw?: string) => {
      const headers = { ...(await t.as(ada)), 'content-type': 'application/json' };
      const res = await t.app.request('/v1/chat/completions', { method: 'POST', body: raw ?? JSON.stringify(body), headers });
      return { status: res.status, body: (await res.json()) as { error: Record<string, unknown> } };
    };
    const shape = (e: { error: Record<string, unknown> }) => Object.keys(e.error).sort();
    const cases = [
      await call({ model: 'openai/gpt-4o-mini' }),
      await call(undefined, '{not json'),
      await call({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], conversation_id: crypto.randomUUID() }),
    ];
    expect(cases.map((c) => c.status)).toEqual([400, 400, 404]);
    for (const c of cases) {
      expect(shape(c.body)).toEqual(['code', 'message', 'param', 'type']);
      expect(c.body.error.type).toBe('invalid_request_error');
    }
    expect(cases.map((c) => c.body.error.code)).toEqual(['validation_failed', 'invalid_json', 'not_found']);
    expect(cases[0]!.body.error.param).toBe('messages');
    expect(cases[2]!.body.error.message).toBe('Conversation not found');

    const viewer = chatUser(['kb_viewer']);
    const forbidden = await t.call(viewer, 'POST', '/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: Record<string, unknown> }).error).toMatchObject({ type: 'invalid_request_error', code: 'forbidden', param: null });
    const models = await t.call(viewer, 'GET', '/v1/models');
    expect(((await models.json()) as { error: Record<string, unknown> }).error).toMatchObject({ code: 'forbidden' });
  });
});
