import { describe, expect, it } from 'vitest';
import { encodeSseData } from '../../../../lib/sse/sse.ts';
import { formPost, signIn, webTestApp } from '../../testing.ts';

const CONVERSATION = '0b7a3c1e-1111-4222-8333-444455556666';

function sse(events: unknown[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of events) controller.enqueue(encodeSseData(event));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

const chunk = (content: string) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] });

/** The `event:`/`data:` pairs of a server-sent events body. */
async function events(res: Response): Promise<[string, unknown][]> {
  return (await res.text())
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
      return [event, JSON.parse(data.join('\n'))];
    });
}

describe('chat routes', () => {
  it('relays the gateway stream as page events: conversation, text, tools, end', async () => {
    const { app, gateway } = webTestApp();
    let sent: unknown;
    gateway.post('/api/v1/chat', async (c) => {
      sent = await c.req.json();
      return sse([
        { type: 'metadata', conversation_id: CONVERSATION, model: 'unified-chat' },
        { type: 'tool_call', id: 't1', name: 'kb_context', arguments: '{}' },
        { type: 'tool_result', tool_call_id: 't1', name: 'kb_context', is_error: false },
        chunk('[GAIA local] <b>hi</b> '),
        chunk('there'),
        { type: 'metadata', total_time_ms: 3 },
        { type: 'done', finish_reason: 'stop' },
        '[DONE]',
      ]);
    });
    const cookie = await signIn(app);
    const res = await app.request('/chat/stream', formPost({ message: 'hello', conversation_id: '', model: 'local/gaia-local', persona: '' }, { cookie }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(sent).toEqual({ message: 'hello', stream: true, model: 'local/gaia-local' });
    expect(await events(res)).toEqual([
      ['meta', { conversation_id: CONVERSATION }],
      ['tool', { name: 'kb_context', is_error: false }],
      ['text', '[GAIA local] <b>hi</b> '],
      ['text', 'there'],
      ['done', {}],
    ]);
  });

  it('forwards each piece of the reply as it arrives, not when the reply is complete', async () => {
    const { app, gateway } = webTestApp();
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    gateway.post('/api/v1/chat', () => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encodeSseData(chunk('[GAIA local] first')));
          await finished;
          controller.enqueue(encodeSseData('[DONE]'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const cookie = await signIn(app);
    const res = await app.request('/chat/stream', formPost({ message: 'hello' }, { cookie }));
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe('event: text\ndata: "[GAIA local] first"\n\n');
    finish();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toBe('event: done\ndata: {}\n\n');
  });

  it('passes a mid-stream failure on, and a refused request as an error envelope', async () => {
    const { app, gateway } = webTestApp();
    gateway.post('/api/v1/chat', async (c) => {
      const { conversation_id } = await c.req.json<{ conversation_id?: string }>();
      if (conversation_id) return c.json({ detail: 'Conversation not found' }, 404);
      return sse([chunk('partial '), { choices: [{ index: 0, delta: {}, finish_reason: 'error' }], error: { message: 'All models failed' } }, '[DONE]']);
    });
    const cookie = await signIn(app);
    const failed = await app.request('/chat/stream', formPost({ message: 'hello' }, { cookie }));
    expect(await events(failed)).toEqual([
      ['text', 'partial '],
      ['error', { message: 'All models failed' }],
      ['done', {}],
    ]);
    const missing = await app.request('/chat/stream', formPost({ message: 'hello', conversation_id: CONVERSATION }, { cookie }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'Conversation not found' } });
    const blank = await app.request('/chat/stream', formPost({ message: '   ' }, { cookie }));
    expect(blank.status).toBe(400);
    expect(await blank.json()).toMatchObject({ error: { message: 'Please type a message' } });
  });

  it('renders the history escaped, and marks the current conversation in the sidebar', async () => {
    const { app, gateway } = webTestApp();
    gateway.get('/api/v1/models', (c) => c.json({ models: [{ id: 'local/gaia-local', name: 'gaia-local', provider: 'local', default: true }] }));
    gateway.get('/api/v1/chat/personas', (c) => c.json({ personas: [{ id: 'p1', name: 'Pirate', description: 'Arr' }] }));
    gateway.get(`/api/v1/conversations/${CONVERSATION}/messages`, (c) =>
      c.json({
        messages: [
          { id: 'm1', role: 'user', content: '<script>alert(1)</script>', model: null, provider: null, tokens_used: null, created_at: '' },
          { id: 'm2', role: 'assistant', content: '[GAIA local] fine', model: 'gaia-local', provider: 'local', tokens_used: 3, created_at: '' },
        ],
      }),
    );
    gateway.get('/api/v1/conversations', (c) =>
      c.json({ conversations: [{ id: CONVERSATION, title: '<i>Hi</i>', preview: '', created_at: '', updated_at: '' }] }),
    );
    const cookie = await signIn(app);
    const page = await (await app.request(`/chat/${CONVERSATION}`, { headers: { cookie } })).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('[GAIA local] fine');
    expect(page).toContain(`name="conversation_id" value="${CONVERSATION}"`);
    expect(page).toContain('<option value="local/gaia-local" selected="">local/gaia-local</option>');
    expect(page).toContain('<option value="p1" title="Arr">Pirate</option>');

    const list = await app.request('/partials/conversations', {
      headers: { cookie, 'hx-request': 'true', 'hx-current-url': `http://localhost/chat/${CONVERSATION}` },
    });
    const html = await list.text();
    expect(html).toContain(`<li class="current" data-id="${CONVERSATION}">`);
    expect(html).toContain('&lt;i&gt;Hi&lt;/i&gt;');
  });

  it('says so when a conversation does not exist', async () => {
    const { app, gateway } = webTestApp();
    gateway.get('/api/v1/models', (c) => c.json({ models: [] }));
    gateway.get('/api/v1/chat/personas', (c) => c.json({ personas: [] }));
    gateway.get('/api/v1/conversations/:id/messages', (c) => c.json({ detail: 'Conversation not found' }, 404));
    const cookie = await signIn(app);
    const res = await app.request('/chat/nope', { headers: { cookie } });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('This conversation does not exist');
    expect(html).toContain('name="conversation_id" value=""');
  });

  it('deletes a conversation, sending the browser to a new chat when it was on screen', async () => {
    const { app, gateway, calls } = webTestApp();
    gateway.delete('/api/v1/conversations/:id', (c) => c.body(null, 204));
    const cookie = await signIn(app);
    const headers = { cookie, origin: 'http://localhost', 'hx-request': 'true' };
    const other = await app.request(`/chat/${CONVERSATION}`, { method: 'DELETE', headers: { ...headers, 'hx-current-url': 'http://localhost/chat' } });
    expect(other.status).toBe(200);
    expect(await other.text()).toBe('');
    const current = await app.request(`/chat/${CONVERSATION}`, {
      method: 'DELETE',
      headers: { ...headers, 'hx-current-url': `http://localhost/chat/${CONVERSATION}` },
    });
    expect(current.headers.get('hx-redirect')).toBe('/chat');
    expect(calls.filter((c) => c.startsWith('DELETE'))).toEqual([`DELETE /api/v1/conversations/${CONVERSATION}`, `DELETE /api/v1/conversations/${CONVERSATION}`]);
  });
});
