import { describe, expect, it } from 'vitest';
import { dbBackends } from '../../../lib/testing/db.ts';
import { createConversation, deleteConversation } from './conversations.ts';
import { appendMessage, historyFor, listMessages, updateMessage } from './messages.ts';
import { useChatStore } from './test-support.ts';
import type { StoredToolCall } from './types.ts';
import { recordUsage, usageTotals } from './usage.ts';

describe.each(dbBackends())('messages and usage on $name', ({ create }) => {
  const chat = useChatStore(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();

  it('appends messages, lists them oldest first and bumps the conversation', async () => {
    const conversation = await createConversation(chat.store, alice);
    const user = await appendMessage(chat.store, conversation.id, { role: 'user', content: 'Hello' });
    expect(user).toMatchObject({
      conversationId: conversation.id,
      role: 'user',
      content: 'Hello',
      toolCalls: null,
      model: null,
      provider: null,
      usage: null,
      status: 'complete',
      error: null,
    });
    expect(user.createdAt).toBeInstanceOf(Date);
    const reply = await appendMessage(chat.store, conversation.id, {
      role: 'assistant',
      content: 'Hi!',
      model: 'openai/gpt-4o-mini',
      provider: 'openai',
      usage: { inputTokens: 12, outputTokens: 3 },
    });
    expect(reply.usage).toEqual({ inputTokens: 12, outputTokens: 3 });
    expect(await listMessages(chat.store, conversation.id)).toEqual([user, reply]);

    const [row] = await chat.db.query<{ updated_at: Date }>(`select updated_at from "${chat.store.schema}".conversations where id = $1`, [
      conversation.id,
    ]);
    expect(row!.updated_at.getTime()).toBeGreaterThanOrEqual(conversation.updatedAt.getTime());
    expect(await listMessages(chat.store, 'not-a-uuid')).toEqual([]);
  });

  it('pages back with limit and before', async () => {
    const conversation = await createConversation(chat.store, alice);
    const all = [];
    for (let i = 0; i < 6; i++) all.push(await appendMessage(chat.store, conversation.id, { role: i % 2 ? 'assistant' : 'user', content: `m${i}` }));
    const contents = (messages: { content: string }[]) => messages.map((m) => m.content);
    expect(contents(await listMessages(chat.store, conversation.id, { limit: 2 }))).toEqual(['m4', 'm5']);
    expect(contents(await listMessages(chat.store, conversation.id, { limit: 2, before: all[4]!.id }))).toEqual(['m2', 'm3']);
    expect(contents(await listMessages(chat.store, conversation.id, { before: all[2]!.id }))).toEqual(['m0', 'm1']);
    expect(await listMessages(chat.store, conversation.id, { before: crypto.randomUUID() })).toEqual([]);
    expect(await listMessages(chat.store, conversation.id, { before: 'junk' })).toEqual([]);
  });

  it('round-trips partial and error replies and completes them later', async () => {
    const conversation = await createConversation(chat.store, alice);
    const partial = await appendMessage(chat.store, conversation.id, {
      role: 'assistant',
      content: 'Half a sen',
      status: 'partial',
      error: 'client disconnected',
    });
    expect(partial).toMatchObject({ status: 'partial', error: 'client disconnected' });
    const failed = await appendMessage(chat.store, conversation.id, { role: 'assistant', content: '', status: 'error', error: 'provider timeout' });
    expect(failed).toMatchObject({ status: 'error', error: 'provider timeout' });

    const completed = await updateMessage(chat.store, partial.id, {
      content: 'Half a sentence, then the rest.',
      status: 'complete',
      error: null,
      usage: { inputTokens: 30, outputTokens: 9 },
      model: 'anthropic/claude-sonnet-4-5',
      provider: 'anthropic',
    });
    expect(completed).toMatchObject({
      id: partial.id,
      content: 'Half a sentence, then the rest.',
      status: 'complete',
      error: null,
      usage: { inputTokens: 30, outputTokens: 9 },
      model: 'anthropic/claude-sonnet-4-5',
      provider: 'anthropic',
    });
    expect(await updateMessage(chat.store, partial.id, { usage: null })).toMatchObject({ usage: null });
    expect(await updateMessage(chat.store, partial.id, {})).toMatchObject({ id: partial.id, content: 'Half a sentence, then the rest.' });
    expect(await updateMessage(chat.store, crypto.randomUUID(), { content: 'x' })).toBeNull();
    expect(await updateMessage(chat.store, 'bad-id', { content: 'x' })).toBeNull();
    expect((await listMessages(chat.store, conversation.id)).map((m) => m.status)).toEqual(['complete', 'error']);
  });

  it('round-trips tool calls as JSON', async () => {
    const conversation = await createConversation(chat.store, alice);
    const calls: StoredToolCall[] = [
      { id: 'call_1', name: 'kb_search', arguments: '{"q":"deploy \\"staging\\"","limit":5}', result: '[{"path":"a.md"}]' },
      { id: 'call_2', name: 'weather__forecast', arguments: '{not json', result: 'Invalid arguments: ünïcode ✓', isError: true },
    ];
    const message = await appendMessage(chat.store, conversation.id, { role: 'assistant', content: '', toolCalls: calls });
    expect(message.toolCalls).toEqual(calls);
    expect((await listMessages(chat.store, conversation.id))[0]!.toolCalls).toEqual(calls);
    expect((await updateMessage(chat.store, message.id, { toolCalls: [calls[0]!] }))!.toolCalls).toEqual([calls[0]]);
    expect((await updateMessage(chat.store, message.id, { toolCalls: null }))!.toolCalls).toBeNull();
    expect((await updateMessage(chat.store, message.id, { toolCalls: [] }))!.toolCalls).toEqual([]);
  });

  it('gives the model the last N complete or partial user, assistant and tool messages', async () => {
    const conversation = await createConversation(chat.store, alice);
    const add = (role: 'user' | 'assistant' | 'system' | 'tool', content: string, status: 'complete' | 'partial' | 'error' = 'complete') =>
      appendMessage(chat.store, conversation.id, { role, content, status });
    await add('system', 'sys');
    await add('user', 'u1');
    await add('assistant', 'a1');
    await add('user', 'u2');
    await add('assistant', 'failed', 'error');
    await add('tool', 't1');
    await add('assistant', 'a2 cut', 'partial');
    await add('user', 'u3');
    const contents = async (maxMessages: number) => (await historyFor(chat.store, conversation.id, { maxMessages })).map((m) => m.content);
    expect(await contents(100)).toEqual(['u1', 'a1', 'u2', 't1', 'a2 cut', 'u3']);
    expect(await contents(3)).toEqual(['t1', 'a2 cut', 'u3']);
    expect(await contents(0)).toEqual([]);
    await deleteConversation(chat.store, alice, conversation.id);
    expect(await contents(100)).toEqual([]);
  });

  it('totals usage per user, deleted conversations included', async () => {
    const one = await createConversation(chat.store, alice);
    const two = await createConversation(chat.store, alice);
    const bobs = await createConversation(chat.store, bob);
    await appendMessage(chat.store, one.id, { role: 'user', content: 'q' });
    await appendMessage(chat.store, one.id, { role: 'assistant', content: 'a', usage: { inputTokens: 100, outputTokens: 20 } });
    const pending = await appendMessage(chat.store, two.id, { role: 'assistant', content: '', status: 'partial' });
    expect(await recordUsage(chat.store, pending.id, { inputTokens: 50, outputTokens: 5 })).toBe(true);
    expect(await recordUsage(chat.store, crypto.randomUUID(), { inputTokens: 1, outputTokens: 1 })).toBe(false);
    expect(await recordUsage(chat.store, 'nope', { inputTokens: 1, outputTokens: 1 })).toBe(false);
    await appendMessage(chat.store, bobs.id, { role: 'assistant', content: 'b', usage: { inputTokens: 7, outputTokens: 1 } });

    expect(await usageTotals(chat.store, alice)).toEqual({ inputTokens: 150, outputTokens: 25, messages: 2 });
    await deleteConversation(chat.store, alice, two.id);
    expect(await usageTotals(chat.store, alice)).toEqual({ inputTokens: 150, outputTokens: 25, messages: 2 });
    expect(await usageTotals(chat.store, bob)).toEqual({ inputTokens: 7, outputTokens: 1, messages: 1 });
    expect(await usageTotals(chat.store, crypto.randomUUID())).toEqual({ inputTokens: 0, outputTokens: 0, messages: 0 });
  });
});
