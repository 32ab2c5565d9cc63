import { describe, expect, it } from 'vitest';
import type { Db } from '../../../lib/db/types.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import {
  createConversation,
  deleteConversation,
  getConversation,
  InvalidCursorError,
  listConversations,
  titleFromMessage,
  updateConversation,
} from './conversations.ts';
import { appendMessage, ConversationNotFoundError, listMessages } from './messages.ts';
import { createPersona, deletePersona } from './personas.ts';
import { containsPattern, schemaIdent } from './sql.ts';
import { createChatStore } from './store.ts';
import { useChatStore } from './test-support.ts';
import type { Conversation } from './types.ts';

describe('conversation helpers', () => {
  it("titles a conversation after its first message (GAIA's rule)", () => {
    expect(titleFromMessage('  Hello\n\t there  ')).toBe('Hello there');
    expect(titleFromMessage('x'.repeat(50))).toBe('x'.repeat(50));
    expect(titleFromMessage(`${'y'.repeat(50)}z`)).toBe(`${'y'.repeat(50)}...`);
    expect(titleFromMessage(`${'é'.repeat(49)}😀😀`)).toBe(`${'é'.repeat(49)}😀...`);
    expect(titleFromMessage(' \n ')).toBe('New Conversation');
  });

  it('escapes LIKE metacharacters and checks schema names', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
    expect(() => schemaIdent('chat"; drop')).toThrow(/Invalid schema/);
    expect(() => createChatStore({} as Db, 'Chat')).toThrow(/Invalid schema/);
  });
});

describe.each(dbBackends())('conversations on $name', ({ create }) => {
  const chat = useChatStore(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();

  const setUpdatedAt = (id: string, at: string) =>
    chat.db.query(`update ${schemaIdent(chat.store.schema)}.conversations set updated_at = $2::timestamptz where id = $1`, [id, at]);

  const allPages = async (owner: string, limit: number, q?: string) => {
    const seen: Conversation[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const page = await listConversations(chat.store, owner, { limit, cursor, q: q ?? null });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    return seen;
  };

  it('creates, reads and updates a conversation', async () => {
    const created = await createConversation(chat.store, alice);
    expect(created).toMatchObject({ ownerId: alice, title: 'New Conversation', preview: '', personaId: null, model: null });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await getConversation(chat.store, alice, created.id)).toEqual(created);
    expect(await getConversation(chat.store, alice, created.id.toUpperCase())).toEqual(created);

    const persona = await createPersona(chat.store, { name: 'Guide', systemPrompt: 'Guide people.' }, alice);
    const titled = await createConversation(chat.store, alice, { title: 'Trip', personaId: persona.id, model: 'openai/gpt-4o-mini' });
    expect(titled).toMatchObject({ title: 'Trip', personaId: persona.id, model: 'openai/gpt-4o-mini' });

    const updated = await updateConversation(chat.store, alice, titled.id, { title: 'Trip to Rome', preview: 'Rome is…', model: null });
    expect(updated).toMatchObject({ title: 'Trip to Rome', preview: 'Rome is…', model: null, personaId: persona.id });
    expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(titled.updatedAt.getTime());
    expect(await updateConversation(chat.store, bob, titled.id, { title: 'Mine now' })).toBeNull();
    expect(await updateConversation(chat.store, alice, 'nope', { title: 'x' })).toBeNull();

    expect(await deletePersona(chat.store, persona.id)).toBe('deleted');
    expect((await getConversation(chat.store, alice, titled.id))!.personaId).toBeNull();
  });

  it('answers null for foreign, unknown and malformed ids', async () => {
    const mine = await createConversation(chat.store, alice);
    expect(await getConversation(chat.store, bob, mine.id)).toBeNull();
    expect(await getConversation(chat.store, alice, crypto.randomUUID())).toBeNull();
    for (const bad of ['', 'not-a-uuid', "1' or '1'='1", `${mine.id}x`, '123']) {
      expect(await getConversation(chat.store, alice, bad)).toBeNull();
      expect(await deleteConversation(chat.store, alice, bad)).toBe(false);
    }
    expect(await deleteConversation(chat.store, bob, mine.id)).toBe(false);
    expect(await getConversation(chat.store, alice, mine.id)).not.toBeNull();
  });

  it('soft-deletes: hidden from get, list, update, messages and append afterwards', async () => {
    const keep = await createConversation(chat.store, alice, { title: 'keep' });
    const gone = await createConversation(chat.store, alice, { title: 'gone' });
    await appendMessage(chat.store, gone.id, { role: 'user', content: 'findable words' });
    expect(await deleteConversation(chat.store, alice, gone.id)).toBe(true);
    expect(await deleteConversation(chat.store, alice, gone.id)).toBe(false);
    expect(await getConversation(chat.store, alice, gone.id)).toBeNull();
    expect((await listConversations(chat.store, alice, { limit: 10 })).items.map((c) => c.id)).toEqual([keep.id]);
    expect((await listConversations(chat.store, alice, { limit: 10, q: 'findable' })).items).toEqual([]);
    expect(await updateConversation(chat.store, alice, gone.id, { title: 'back' })).toBeNull();
    expect(await listMessages(chat.store, gone.id)).toEqual([]);
    await expect(appendMessage(chat.store, gone.id, { role: 'user', content: 'hi' })).rejects.toBeInstanceOf(ConversationNotFoundError);
    await expect(appendMessage(chat.store, 'bogus', { role: 'user', content: 'hi' })).rejects.toBeInstanceOf(ConversationNotFoundError);
  });

  it('lists newest first and bumps a conversation to the top when a message is appended', async () => {
    const first = await createConversation(chat.store, alice, { title: 'first' });
    const second = await createConversation(chat.store, alice, { title: 'second' });
    await createConversation(chat.store, bob, { title: 'not yours' });
    await setUpdatedAt(first.id, '2024-01-01T00:00:00Z');
    await setUpdatedAt(second.id, '2024-01-02T00:00:00Z');
    expect((await listConversations(chat.store, alice, { limit: 10 })).items.map((c) => c.title)).toEqual(['second', 'first']);

    await appendMessage(chat.store, first.id, { role: 'user', content: 'hello again' });
    const page = await listConversations(chat.store, alice, { limit: 10 });
    expect(page.items.map((c) => c.title)).toEqual(['first', 'second']);
    expect(page.items[0]!.updatedAt.getTime()).toBeGreaterThan(Date.parse('2024-01-02T00:00:00Z'));
    expect(page.nextCursor).toBeNull();
  });

  it('paginates stably with ties in updated_at (microsecond timestamps included)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await createConversation(chat.store, alice, { title: `c${i}` })).id);
    const stamps = ['2024-05-01T10:00:00.123456Z', '2024-05-01T10:00:00.123457Z', '2024-05-01T10:00:00.123Z'];
    for (const [i, id] of ids.entries()) await setUpdatedAt(id, stamps[i % 3]!);

    const expected = await chat.db.query<{ id: string }>(
      `select id from ${schemaIdent(chat.store.schema)}.conversations where owner_id = $1 order by updated_at desc, id desc`,
      [alice],
    );
    for (const limit of [1, 2, 4, 9, 100]) {
      expect((await allPages(alice, limit)).map((c) => c.id)).toEqual(expected.map((r) => r.id));
    }

    const firstPage = await listConversations(chat.store, alice, { limit: 4 });
    await createConversation(chat.store, alice, { title: 'newer' });
    const rest = await allPages(alice, 100);
    const next = await listConversations(chat.store, alice, { limit: 100, cursor: firstPage.nextCursor });
    expect([...firstPage.items, ...next.items].map((c) => c.id)).toEqual(expected.map((r) => r.id));
    expect(rest).toHaveLength(10);
    expect(firstPage.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('rejects foreign cursors and limits outside 1..100', async () => {
    for (const cursor of ['garbage', btoa('[1,2]'), btoa(JSON.stringify(['1', 'not-uuid'])), '%%%']) {
      await expect(listConversations(chat.store, alice, { limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
    for (const limit of [0, 101, 1.5]) {
      await expect(listConversations(chat.store, alice, { limit })).rejects.toBeInstanceOf(RangeError);
    }
  });

  it('searches titles and message contents case-insensitively, escaping % and _', async () => {
    const paris = await createConversation(chat.store, alice, { title: 'Trip to PARIS' });
    const deals = await createConversation(chat.store, alice, { title: 'Shopping' });
    await appendMessage(chat.store, deals.id, { role: 'user', content: 'Where do I get 50% off_deals?' });
    const plain = await createConversation(chat.store, alice, { title: 'Plain 50 offxdeals' });
    await appendMessage(chat.store, plain.id, { role: 'assistant', content: 'Nothing special about Paris here' });
    const foreign = await createConversation(chat.store, bob, { title: 'paris too' });

    const search = async (q: string) =>
      (await allPages(alice, 1, q)).map((c) => c.id).sort();
    expect(await search('paris')).toEqual([paris.id, plain.id].sort());
    expect(await search('OFF_DEALS')).toEqual([deals.id]);
    expect(await search('50%')).toEqual([deals.id]);
    expect(await search('%')).toEqual([deals.id]);
    expect(await search('_')).toEqual([deals.id]);
    expect(await search('\\')).toEqual([]);
    expect(await search('no such words')).toEqual([]);
    expect((await allPages(bob, 10, 'PARIS')).map((c) => c.id)).toEqual([foreign.id]);
  });
});
