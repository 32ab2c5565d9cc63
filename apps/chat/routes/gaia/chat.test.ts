import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSse } from '../../../../lib/sse/sse.ts';
import { LOCAL_MARKER } from '../../providers/local/api.ts';
import { listMessages } from '../../store/messages.ts';
import { type ChatTestApp, chatUser, createChatTestApp } from '../../testing/chat-app.ts';

const SIX_METADATA_KEYS = ['conversation_id', 'llm_time_ms', 'request_id', 'route_type', 'routing_time_ms', 'total_time_ms'];

/** GAIA's chat routes on the offline local provider (no model configured, no knowledge base reachable). */
describe('GAIA chat routes', () => {
  let t: ChatTestApp;
  const ada = chatUser();
  const eve = chatUser();

  beforeAll(async () => {
    t = await createChatTestApp();
  });
  afterAll(() => t.close());

  const events = async (res: Response) => {
    const out: unknown[] = [];
    for await (const event of parseSse(res.body!)) out.push(event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data));
    return out as Record<string, unknown>[];
  };

  it('v0.3 answers exactly {response, conversation_id}, from the local provider, and keeps the conversation', async () => {
    const res = await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Hello there', model: 'ignored' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response: string; conversation_id: string };
    expect(Object.keys(body).sort()).toEqual(['conversation_id', 'response']);
    expect(body.response.startsWith(LOCAL_MARKER)).toBe(true);
    expect(body.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await listMessages(t.deps.store, body.conversation_id, {});
    expect(stored.map((m) => [m.role, m.status, m.provider])).toEqual([
      ['user', 'complete', null],
      ['assistant', 'complete', 'local'],
    ]);
    const again = await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'More', conversation_id: body.conversation_id });
    expect(((await again.json()) as { conversation_id: string }).conversation_id).toBe(body.conversation_id);
  });

  it('v1 answers in OpenAI style with all six _metadata keys (plus the model that answered), or in the v0.3 format on request', async () => {
    const res = await t.call(ada, 'POST', '/api/v1/chat', { messages: [{ role: 'system', content: 'x' }, { role: 'user', content: 'Hi' }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & { _metadata: Record<string, unknown>; id: string };
    expect(Object.keys(body).sort()).toEqual(['_metadata', 'choices', 'created', 'id', 'model', 'object', 'usage']);
    expect(body.object).toBe('chat.completion');
    expect(Object.keys(body._metadata).sort()).toEqual([...SIX_METADATA_KEYS, 'model'].sort());
    expect(body._metadata.request_id).toBe(body.id);
    expect([body.model, body._metadata.model]).toEqual(['gaia-local', 'gaia-local']);
    const v03 = await t.call(ada, 'POST', '/api/v1/chat', { message: 'Hi', response_format: 'V0.3' });
    const v03Body = (await v03.json()) as Record<string, unknown> & { _metadata: object };
    expect(Object.keys(v03Body).sort()).toEqual(['_metadata', 'conversation_id', 'message', 'response']);
    expect(Object.keys(v03Body._metadata).sort()).toEqual(SIX_METADATA_KEYS);
    expect(v03Body.message).toBe('Hi');
    const header = await t.call(ada, 'POST', '/api/v1/chat', { message: 'Hi' }, { 'x-response-format': 'v0.3' });
    expect(Object.keys((await header.json()) as object)).toContain('response');
  });

  it('streams v1: metadata first, chunks, timing metadata, done, [DONE]', async () => {
    const res = await t.call(ada, 'POST', '/api/v1/chat', { message: 'Stream please', stream: true });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const all = await events(res);
    expect(all[0]).toMatchObject({ type: 'metadata', model: 'unified-chat', conversation_id: expect.any(String) });
    expect(all.at(-1)).toBe('[DONE]');
    expect(all.at(-2)).toEqual({ type: 'done', finish_reason: 'stop' });
    expect(all.at(-3)).toMatchObject({ type: 'metadata', total_time_ms: expect.any(Number) });
    const chunks = all.filter((e) => e.object === 'chat.completion.chunk') as { choices: { delta: { content: string } }[] }[];
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.map((c) => c.choices[0]!.delta.content).join('').startsWith(LOCAL_MARKER)).toBe(true);
  });

  it('streams v0.3: only metadata, content {type, content} and a final {type: done}', async () => {
    const res = await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Stream please', stream: true });
    const all = await events(res);
    expect(all[0]).toMatchObject({ type: 'metadata', model: 'unified-chat' });
    expect(all.at(-1)).toEqual({ type: 'done' });
    for (const event of all) expect(['metadata', 'content', 'done']).toContain(event.type);
    for (const event of all.filter((e) => e.type === 'content')) {
      expect(Object.keys(event).sort()).toEqual(['content', 'type']);
      expect(event.content).not.toBe('');
    }
  });

  it('answers a model this deployment does not serve with the default (local) on v1 and v0.3, streaming and not', async () => {
    for (const model of ['claude-sonnet-4-5', 'nope/nothing', 'openai/gpt-4o']) {
      const v1 = await t.call(ada, 'POST', '/api/v1/chat', { message: 'Hi', model });
      expect(v1.status, model).toBe(200);
      const body = (await v1.json()) as { model: string; _metadata: { model: string }; choices: { message: { content: string } }[] };
      expect([body.model, body._metadata.model]).toEqual(['gaia-local', 'gaia-local']);
      expect(body.choices[0]!.message.content.startsWith(LOCAL_MARKER)).toBe(true);

      const stream = await events(await t.call(ada, 'POST', '/api/v1/chat', { message: 'Hi', model, stream: true }));
      const chunks = stream.filter((e) => e.object === 'chat.completion.chunk');
      expect(chunks.length).toBeGreaterThan(0);
      for (const chunk of chunks) expect(chunk.model).toBe('gaia-local');

      const v03 = await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Hi', model });
      expect(Object.keys((await v03.json()) as object).sort()).toEqual(['conversation_id', 'response']);
      const v03Stream = await events(await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Hi', model, stream: true }));
      expect(v03Stream.at(-1)).toEqual({ type: 'done' });
      expect(JSON.stringify(v03Stream)).not.toContain('gaia-local');
    }
    const notServed = t.runtime.logger.entries().filter((e) => e.msg === 'model preference not served');
    expect(notServed.map((e) => e.requested)).toEqual(expect.arrayContaining(['claude-sonnet-4-5', 'nope/nothing', 'openai/gpt-4o']));
    expect(notServed.every((e) => e.level === 'info' && e.instead === 'local/gaia-local')).toBe(true);
  });

  it('404s unknown, foreign, malformed and deleted conversation ids — as JSON, even when streaming', async () => {
    const own = (await (await t.call(ada, 'POST', '/api/v0.3/chat', { message: 'Mine' })).json()) as { conversation_id: string };
    for (const id of [crypto.randomUUID(), own.conversation_id, 'not-a-uuid']) {
      const res = await t.call(eve, 'POST', '/api/v1/chat', { message: 'Hi', conversation_id: id, stream: true });
      expect(res.status, id).toBe(404);
      expect(await res.json()).toEqual({ detail: 'Conversation not found' });
    }
    for (const id of ['', 'new', null]) {
      expect((await t.call(eve, 'POST', '/api/v0.3/chat', { message: 'Hi', conversation_id: id })).status).toBe(200);
    }
  });

  it('answers bad input in GAIA format', async () => {
    const send = (path: string, body: string) => t.app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const headers = await t.as(ada);
    const raw = (path: string, body: string) => t.app.request(path, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
    expect((await send('/api/v1/chat', '{}')).status).toBe(401);
    const bad = await raw('/api/v1/chat', '{not json');
    expect([bad.status, await bad.json()]).toEqual([400, { detail: 'Invalid JSON body' }]);
    const missing = await raw('/api/v1/chat', '{}');
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { detail: { loc: string[] }[] }).detail[0]!.loc).toEqual(['body', 'message']);
    const empty = await raw('/api/v1/chat', JSON.stringify({ message: '   ' }));
    expect([empty.status, await empty.json()]).toEqual([400, { detail: 'Message must not be empty' }]);
    const v03Missing = await raw('/api/v0.3/chat', '{}');
    expect([v03Missing.status, await v03Missing.json()]).toEqual([400, { error: 'Missing required field: message' }]);
    const v03Empty = await raw('/api/v0.3/chat', JSON.stringify({ message: '' }));
    expect([v03Empty.status, await v03Empty.json()]).toEqual([400, { error: 'Message must not be empty' }]);
    const huge = await raw('/api/v1/chat', JSON.stringify({ message: 'x'.repeat(40_000) }));
    expect(huge.status).toBe(400);
    const viewer = await t.call(chatUser(['kb_viewer']), 'POST', '/api/v1/chat', { message: 'hi' });
    expect([viewer.status, await viewer.json()]).toEqual([403, { detail: 'Not enough permissions' }]);
  });

  it('answers 400 {"detail"} to deep nesting, NUL, unpaired surrogates and invalid UTF-8, storing nothing', async () => {
    const who = chatUser();
    const headers = { ...(await t.as(who)), 'content-type': 'application/json' };
    const raw = (path: string, body: string | Uint8Array) => t.app.request(path, { method: 'POST', body: body as BodyInit, headers });
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const cases: [string, string | Uint8Array, RegExp][] = [
      // Before: the 422 hook's JSON.stringify of the input overflowed the stack (500).
      ['/api/v0.3/chat', deep, /nest deeper than 64 levels/],
      ['/api/v1/chat', `{"message":"hi","messages":${deep}}`, /^Invalid request body: messages\..*nest deeper than 64 levels/],
      // Before: PostgreSQL refused the NUL (500).
      ['/api/v1/chat', JSON.stringify({ message: 'a\u0000b' }), /^Invalid request body: message: must not contain NUL/],
      ['/api/v0.3/chat', JSON.stringify({ message: 'a\u0000b' }), /must not contain NUL/],
      ['/api/v1/chat', '{"message":"half \\ud800 a pair"}', /unpaired UTF-16 surrogates/],
      // Before: stored as U+FFFD.
      ['/api/v1/chat', new Uint8Array([...new TextEncoder().encode('{"message":"ok'), 0xff, ...new TextEncoder().encode('"}')]), /not valid UTF-8/],
    ];
    for (const [path, body, detail] of cases) {
      const res = await raw(path, body);
      expect(res.status, String(detail)).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
    }
    const list = await t.call(who, 'GET', '/api/v1/conversations');
    expect(((await list.json()) as { conversations: unknown[] }).conversations).toEqual([]);
    const fine = await raw('/api/v1/chat', JSON.stringify({ message: 'Tabs\tnew\nlines, é, 漢字, 😀 and a literal \ufffd are text' }));
    expect(fine.status).toBe(200);
  });
});

describe('GAIA method rules', () => {
  it('answers 405 with Allow for a known path and the wrong method, 404 for unknown paths', async () => {
    const t = await createChatTestApp();
    const user = chatUser();
    const wrong = await t.call(user, 'GET', '/api/v1/chat');
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await t.call(user, 'PUT', `/api/v0.3/conversations/${crypto.randomUUID()}`)).status).toBe(405);
    expect((await t.call(user, 'GET', '/api/v1/nothing-here')).status).toBe(404);
    await t.close();
  });
});
