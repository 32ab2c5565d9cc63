import { describe, expect, it } from 'vitest';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { appendMessage } from '../../store/messages.ts';
import { schemaIdent } from '../../store/sql.ts';
import { useGaiaTestApp } from './gaia-test-app.ts';
import type { GaiaConversationV03, GaiaMessageV03 } from './schemas.ts';

const ITEM_KEYS = ['conversation_id', 'created_at', 'title'];
const NOT_FOUND = { detail: 'Conversation not found' };

describe.each(dbBackends())('GAIA v0.3 conversations on $name', ({ create }) => {
  const t = useGaiaTestApp(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();

  const createAs = async (user: string, json?: unknown): Promise<{ conversation_id: string; title: string }> => {
    const res = await t.call('POST', '/api/v0.3/conversations', { user, json });
    expect(res.status).toBe(201);
    return (await res.json()) as { conversation_id: string; title: string };
  };

  it('creates with 201 and exactly {conversation_id, title}', async () => {
    const created = await createAs(alice, { title: 'Quest log', model: 'ignored' });
    expect(Object.keys(created).sort()).toEqual(['conversation_id', 'title']);
    expect(created.title).toBe('Quest log');
    expect(created.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await createAs(alice)).title).toBe('New Conversation');
    expect((await createAs(alice, {})).title).toBe('New Conversation');
  });

  it('lists the same conversations as v1 with exact item keys', async () => {
    const older = await createAs(alice, { title: 'older' });
    const newer = await createAs(alice, { title: 'newer' });
    await createAs(bob, { title: 'bob' });
    await t.db.query(`update ${schemaIdent(t.store.schema)}.conversations set updated_at = now() + interval '1 hour' where id = $1`, [
      newer.conversation_id,
    ]);
    const res = await t.call('GET', '/api/v0.3/conversations', { user: alice });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { conversations: GaiaConversationV03[] };
    expect(Object.keys(body)).toEqual(['conversations']);
    for (const item of body.conversations) expect(Object.keys(item).sort()).toEqual(ITEM_KEYS);
    expect(body.conversations.map((c) => c.conversation_id)).toEqual([newer.conversation_id, older.conversation_id]);

    const v1 = (await (await t.call('GET', '/api/v1/conversations', { user: alice })).json()) as { conversations: { id: string }[] };
    expect(v1.conversations.map((c) => c.id)).toEqual(body.conversations.map((c) => c.conversation_id));

    const paged = await t.call('GET', '/api/v0.3/conversations?limit=1', { user: alice });
    expect(((await paged.json()) as { conversations: unknown[] }).conversations).toHaveLength(1);
    const cursor = paged.headers.get('x-next-cursor');
    expect(cursor).toBeTruthy();
    const rest = await t.call('GET', `/api/v0.3/conversations?limit=1&cursor=${encodeURIComponent(cursor!)}`, { user: alice });
    expect(((await rest.json()) as { conversations: GaiaConversationV03[] }).conversations[0]!.conversation_id).toBe(older.conversation_id);
    expect(rest.headers.get('x-next-cursor')).toBeNull();
  });

  it('gets one conversation with exactly {conversation_id, title, created_at}', async () => {
    const created = await createAs(alice, { title: 'Mine' });
    const res = await t.call('GET', `/api/v0.3/conversations/${created.conversation_id}`, { user: alice });
    expect(res.status).toBe(200);
    const body = (await res.json()) as GaiaConversationV03;
    expect(Object.keys(body).sort()).toEqual(ITEM_KEYS);
    expect(body).toMatchObject({ conversation_id: created.conversation_id, title: 'Mine' });
    expect(body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('lists messages as a bare array oldest first', async () => {
    const { conversation_id: id } = await createAs(alice);
    await appendMessage(t.store, id, { role: 'user', content: 'Hello' });
    await appendMessage(t.store, id, { role: 'tool', content: 'tool output' });
    await appendMessage(t.store, id, { role: 'assistant', content: 'Hi! {"m":"pause","p":{"secs":2}}', usage: { inputTokens: 1, outputTokens: 2 } });
    const res = await t.call('GET', `/api/v0.3/conversations/${id}/messages`, { user: alice });
    expect(res.status).toBe(200);
    const body = (await res.json()) as GaiaMessageV03[];
    expect(Array.isArray(body)).toBe(true);
    for (const m of body) expect(Object.keys(m).sort()).toEqual(['content', 'created_at', 'role']);
    expect(body.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Hi! {"m":"pause","p":{"secs":2}}'],
    ]);
  });

  it('deletes with 204; foreign, unknown and deleted ids are 404 (never 403) on every route', async () => {
    const { conversation_id: id } = await createAs(alice);
    const foreign = await t.call('DELETE', `/api/v0.3/conversations/${id}`, { user: bob });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual(NOT_FOUND);

    const res = await t.call('DELETE', `/api/v0.3/conversations/${id}`, { user: alice });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    for (const [user, target] of [
      [alice, id],
      [bob, id],
      [alice, crypto.randomUUID()],
      [alice, 'new'],
    ] as const) {
      for (const path of [`/api/v0.3/conversations/${target}`, `/api/v0.3/conversations/${target}/messages`, `/api/v1/conversations/${target}`]) {
        const miss = await t.call('GET', path, { user });
        expect(miss.status, path).toBe(404);
        expect(await miss.json()).toEqual(NOT_FOUND);
      }
      expect((await t.call('DELETE', `/api/v0.3/conversations/${target}`, { user })).status).toBe(404);
    }
    const list = await t.call('GET', '/api/v0.3/conversations', { user: alice });
    expect(await list.json()).toEqual({ conversations: [] });
  });

  it('answers 403 to a principal without chat permissions', async () => {
    const { conversation_id: id } = await createAs(alice);
    for (const [method, path] of [
      ['GET', '/api/v0.3/conversations'],
      ['POST', '/api/v0.3/conversations'],
      ['GET', `/api/v0.3/conversations/${id}`],
      ['GET', `/api/v0.3/conversations/${id}/messages`],
      ['DELETE', `/api/v0.3/conversations/${id}`],
    ] as const) {
      const res = await t.call(method, path, { user: alice, roles: ['kb_viewer'] });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toEqual({ detail: 'Not enough permissions' });
    }
  });
});
