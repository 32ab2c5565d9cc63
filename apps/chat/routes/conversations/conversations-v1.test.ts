import { describe, expect, it } from 'vitest';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { appendMessage } from '../../store/messages.ts';
import { getPersonaByName, seedPersonas } from '../../store/personas.ts';
import { schemaIdent } from '../../store/sql.ts';
import { useGaiaTestApp } from './gaia-test-app.ts';
import type { GaiaConversation, GaiaMessage } from './schemas.ts';

const CONVERSATION_KEYS = ['created_at', 'id', 'preview', 'title', 'updated_at'];
const MESSAGE_KEYS = ['content', 'created_at', 'id', 'model', 'provider', 'role', 'tokens_used'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NOT_FOUND = { detail: 'Conversation not found' };

describe.each(dbBackends())('GAIA v1 conversations on $name', ({ create }) => {
  const t = useGaiaTestApp(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();

  const createAs = async (user: string, json?: unknown): Promise<GaiaConversation> => {
    const res = await t.call('POST', '/api/v1/conversations', { user, json: json ?? {} });
    expect(res.status).toBe(201);
    return (await res.json()) as GaiaConversation;
  };
  const setUpdatedAt = (id: string, at: string) =>
    t.db.query(`update ${schemaIdent(t.store.schema)}.conversations set updated_at = $2::timestamptz where id = $1`, [id, at]);

  it('creates a conversation: 201, exact keys, default title, with {} / no body / an empty JSON body', async () => {
    const res = await t.call('POST', '/api/v1/conversations', { user: alice, json: {} });
    expect(res.status).toBe(201);
    const body = (await res.json()) as GaiaConversation;
    expect(Object.keys(body).sort()).toEqual(CONVERSATION_KEYS);
    expect(body).toMatchObject({ title: 'New Conversation', preview: '' });
    expect(body.id).toMatch(UUID);
    expect(body.created_at).toMatch(ISO);
    expect(body.updated_at).toMatch(ISO);

    const noBody = await t.call('POST', '/api/v1/conversations', { user: alice });
    expect(noBody.status).toBe(201);
    expect(((await noBody.json()) as GaiaConversation).title).toBe('New Conversation');

    const emptyJson = await t.call('POST', '/api/v1/conversations', { user: alice, body: '', headers: { 'content-type': 'application/json' } });
    expect(emptyJson.status).toBe(201);

    const titled = await createAs(alice, { title: 'Trip plans', unknown_field: 1 });
    expect(titled.title).toBe('Trip plans');
    expect(Object.keys(titled).sort()).toEqual(CONVERSATION_KEYS);
  });

  it('answers GAIA errors for bad bodies: 400 malformed JSON, 422 FastAPI list for a non-string title', async () => {
    const malformed = await t.call('POST', '/api/v1/conversations', { user: alice, body: '{"title":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ detail: 'Invalid JSON body' });

    const wrongType = await t.call('POST', '/api/v1/conversations', { user: alice, json: { title: 42 } });
    expect(wrongType.status).toBe(422);
    const { detail } = (await wrongType.json()) as { detail: { type: string; loc: unknown[]; msg: string; input: unknown }[] };
    expect(detail[0]!.loc).toEqual(['body', 'title']);
    expect(Object.keys(detail[0]!).sort()).toEqual(['input', 'loc', 'msg', 'type']);
  });

  it('lists only the caller’s live conversations, newest updated first, in a wrapper object', async () => {
    const first = await createAs(alice, { title: 'first' });
    const second = await createAs(alice, { title: 'second' });
    const gone = await createAs(alice, { title: 'gone' });
    await createAs(bob, { title: 'bob’s' });
    await setUpdatedAt(first.id, '2030-01-01T00:00:00Z');
    expect((await t.call('DELETE', `/api/v1/conversations/${gone.id}`, { user: alice })).status).toBe(204);

    const res = await t.call('GET', '/api/v1/conversations', { user: alice });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-next-cursor')).toBeNull();
    const body = (await res.json()) as { conversations: GaiaConversation[] };
    expect(Object.keys(body)).toEqual(['conversations']);
    expect(body.conversations.map((c) => c.title)).toEqual(['first', 'second']);
    for (const c of body.conversations) expect(Object.keys(c).sort()).toEqual(CONVERSATION_KEYS);
    expect(body.conversations[1]!.id).toBe(second.id);
  });

  it('pages with limit + X-Next-Cursor and searches with q, never adding body keys', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const conversation = await createAs(alice, { title: i % 2 === 0 ? `even ${i}` : `odd ${i}` });
      await setUpdatedAt(conversation.id, `2030-01-0${i + 1}T00:00:00Z`);
      ids.push(conversation.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.call('GET', `/api/v1/conversations${query}`, { user: alice });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { conversations: GaiaConversation[] };
      expect(Object.keys(body)).toEqual(['conversations']);
      expect(body.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...body.conversations.map((c) => c.id));
      cursor = res.headers.get('x-next-cursor');
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const searched = await t.call('GET', '/api/v1/conversations?q=EVEN', { user: alice });
    const titles = ((await searched.json()) as { conversations: GaiaConversation[] }).conversations.map((c) => c.title);
    expect(titles).toEqual(['even 4', 'even 2', 'even 0']);

    await appendMessage(t.store, ids[1]!, { role: 'user', content: 'about the aurora borealis' });
    const byMessage = await t.call('GET', '/api/v1/conversations?q=aurora', { user: alice });
    expect(((await byMessage.json()) as { conversations: GaiaConversation[] }).conversations.map((c) => c.id)).toEqual([ids[1]]);
    const bobSearch = await t.call('GET', '/api/v1/conversations?q=aurora', { user: bob });
    expect(await bobSearch.json()).toEqual({ conversations: [] });
  });

  it('rejects out-of-range limits and foreign cursors with FastAPI 422 lists', async () => {
    for (const limit of ['0', '101', 'abc']) {
      const res = await t.call('GET', `/api/v1/conversations?limit=${limit}`, { user: alice });
      expect(res.status).toBe(422);
      const { detail } = (await res.json()) as { detail: { loc: unknown[] }[] };
      expect(detail[0]!.loc).toEqual(['query', 'limit']);
    }
    const res = await t.call('GET', '/api/v1/conversations?cursor=not-a-cursor', { user: alice });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [{ type: 'value_error', loc: ['query', 'cursor'], msg: 'Invalid cursor', input: 'not-a-cursor' }],
    });
  });

  it('gets one conversation; unknown, foreign, deleted and non-UUID ids are 404 everywhere', async () => {
    const mine = await createAs(alice, { title: 'mine' });
    const res = await t.call('GET', `/api/v1/conversations/${mine.id}`, { user: alice });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(mine);

    const deleted = await createAs(alice);
    expect((await t.call('DELETE', `/api/v1/conversations/${deleted.id}`, { user: alice })).status).toBe(204);

    const missing = [
      { id: mine.id, user: bob },
      { id: crypto.randomUUID(), user: alice },
      { id: 'not-a-uuid', user: alice },
      { id: deleted.id, user: alice },
    ];
    for (const { id, user } of missing) {
      for (const [method, path] of [
        ['GET', `/api/v1/conversations/${id}`],
        ['GET', `/api/v1/conversations/${id}/messages`],
        ['DELETE', `/api/v1/conversations/${id}`],
        ['PATCH', `/api/v1/conversations/${id}`],
      ] as const) {
        const miss = await t.call(method, path, { user, json: method === 'PATCH' ? { title: 'x' } : undefined });
        expect(miss.status, `${method} ${path}`).toBe(404);
        expect(await miss.json()).toEqual(NOT_FOUND);
      }
    }
  });

  it('deletes with 204 and no body', async () => {
    const conversation = await createAs(alice);
    const res = await t.call('DELETE', `/api/v1/conversations/${conversation.id}`, { user: alice });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await t.call('DELETE', `/api/v1/conversations/${conversation.id}`, { user: alice })).status).toBe(404);
  });

  it('lists user and assistant messages oldest first with exact keys and tokens_used', async () => {
    const conversation = await createAs(alice);
    await appendMessage(t.store, conversation.id, { role: 'system', content: 'internal' });
    await appendMessage(t.store, conversation.id, { role: 'user', content: 'Hello' });
    await appendMessage(t.store, conversation.id, {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_1', name: 'kb_search', arguments: '{}' }],
    });
    await appendMessage(t.store, conversation.id, { role: 'tool', content: '{"hits":[]}' });
    await appendMessage(t.store, conversation.id, {
      role: 'assistant',
      content: 'Hi there!',
      model: 'openai/gpt-4o-mini',
      provider: 'openai',
      usage: { inputTokens: 12, outputTokens: 7 },
    });
    await appendMessage(t.store, conversation.id, { role: 'user', content: 'Tell me more' });
    await appendMessage(t.store, conversation.id, { role: 'assistant', content: 'Well, the', status: 'partial', error: 'client disconnected' });

    const res = await t.call('GET', `/api/v1/conversations/${conversation.id}/messages`, { user: alice });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: GaiaMessage[] };
    expect(Object.keys(body)).toEqual(['messages']);
    for (const m of body.messages) {
      expect(Object.keys(m).sort()).toEqual(MESSAGE_KEYS);
      expect(m.id).toMatch(UUID);
      expect(m.created_at).toMatch(ISO);
    }
    expect(body.messages.map((m) => [m.role, m.content, m.tokens_used])).toEqual([
      ['user', 'Hello', null],
      ['assistant', 'Hi there!', 19],
      ['user', 'Tell me more', null],
      ['assistant', 'Well, the', null],
    ]);
    expect(body.messages[0]).toMatchObject({ model: null, provider: null });
    expect(body.messages[1]).toMatchObject({ model: 'openai/gpt-4o-mini', provider: 'openai' });

    const empty = await createAs(alice);
    expect(await (await t.call('GET', `/api/v1/conversations/${empty.id}/messages`, { user: alice })).json()).toEqual({ messages: [] });
  });

  it('PATCH renames and chooses a persona and model; unknown personas are 404', async () => {
    await seedPersonas(t.store);
    const researcher = (await getPersonaByName(t.store, 'Researcher', null))!;
    const conversation = await createAs(alice);

    const renamed = await t.call('PATCH', `/api/v1/conversations/${conversation.id}`, {
      user: alice,
      json: { title: 'Renamed', persona: researcher.id, model: 'openai/gpt-4o-mini' },
    });
    expect(renamed.status).toBe(200);
    const body = (await renamed.json()) as GaiaConversation;
    expect(Object.keys(body).sort()).toEqual(CONVERSATION_KEYS);
    expect(body.title).toBe('Renamed');
    const stored = await t.db.query<{ persona_id: string | null; model: string | null }>(
      `select persona_id, model from ${schemaIdent(t.store.schema)}.conversations where id = $1`,
      [conversation.id],
    );
    expect(stored[0]).toEqual({ persona_id: researcher.id, model: 'openai/gpt-4o-mini' });

    const byName = await t.call('PATCH', `/api/v1/conversations/${conversation.id}`, { user: alice, json: { persona: 'plain' } });
    expect(byName.status).toBe(200);
    const cleared = await t.call('PATCH', `/api/v1/conversations/${conversation.id}`, { user: alice, json: { persona: null, model: null } });
    expect(cleared.status).toBe(200);
    const after = await t.db.query<{ persona_id: string | null; model: string | null }>(
      `select persona_id, model from ${schemaIdent(t.store.schema)}.conversations where id = $1`,
      [conversation.id],
    );
    expect(after[0]).toEqual({ persona_id: null, model: null });

    for (const persona of [crypto.randomUUID(), 'Nobody']) {
      const unknown = await t.call('PATCH', `/api/v1/conversations/${conversation.id}`, { user: alice, json: { persona } });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ detail: 'Persona not found' });
    }
    const blank = await t.call('PATCH', `/api/v1/conversations/${conversation.id}`, { user: alice, json: { title: '   ' } });
    expect(blank.status).toBe(422);
    const noop = await t.call('PATCH', `/api/v1/conversations/${conversation.id}`, { user: alice });
    expect(noop.status).toBe(200);
    expect(((await noop.json()) as GaiaConversation).title).toBe('Renamed');
  });

  it('answers 403 Not enough permissions to a principal without chat permissions', async () => {
    const conversation = await createAs(alice);
    const calls = [
      ['GET', '/api/v1/conversations'],
      ['POST', '/api/v1/conversations'],
      ['GET', `/api/v1/conversations/${conversation.id}`],
      ['GET', `/api/v1/conversations/${conversation.id}/messages`],
      ['PATCH', `/api/v1/conversations/${conversation.id}`],
      ['DELETE', `/api/v1/conversations/${conversation.id}`],
    ] as const;
    for (const [method, path] of calls) {
      const res = await t.call(method, path, { user: alice, roles: ['kb_viewer'], json: method === 'GET' ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toEqual({ detail: 'Not enough permissions' });
    }
    const viewer = await t.call('DELETE', `/api/v1/conversations/${conversation.id}`, { user: alice, roles: ['viewer'] });
    expect(viewer.status).toBe(403);
    expect((await t.call('GET', `/api/v1/conversations/${conversation.id}`, { user: alice, roles: ['viewer'] })).status).toBe(200);
  });

  it('documents every operation in the OpenAPI document', () => {
    const document = t.app.getOpenAPIDocument({ openapi: '3.0.0', info: { title: 'chat', version: '1' } });
    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      '/api/v0.3/conversations',
      '/api/v0.3/conversations/{id}',
      '/api/v0.3/conversations/{id}/messages',
      '/api/v1/chat/personas',
      '/api/v1/chat/personas/{id}',
      '/api/v1/chat/usage',
      '/api/v1/conversations',
      '/api/v1/conversations/{id}',
      '/api/v1/conversations/{id}/messages',
    ]);
  });
});
