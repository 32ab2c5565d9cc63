import { describe, expect, it } from 'vitest';
import { dbBackends } from '../../../lib/testing/db.ts';
import { deleteConversation, getConversation } from './conversations.ts';
import { listMessages } from './messages.ts';
import { useChatStore } from './test-support.ts';
import { startTurn } from './turns.ts';

describe.each(dbBackends())('starting a turn on $name', ({ create }) => {
  const chat = useChatStore(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();
  const reply = { model: 'openai/gpt-4o-mini', provider: 'openai' };

  it('creates the conversation, the user message and the reply placeholder in order, in one statement', async () => {
    const turn = (await startTurn(chat.store, { ownerId: alice, conversation: { title: 'Plans' }, message: 'Hello', reply }))!;
    expect(turn.conversation).toMatchObject({ ownerId: alice, title: 'Plans', personaId: null });
    const messages = await listMessages(chat.store, turn.conversation.id, {});
    expect(messages.map((m) => [m.id, m.role, m.status, m.content, m.provider])).toEqual([
      [turn.userMessageId, 'user', 'complete', 'Hello', null],
      [turn.replyId, 'assistant', 'partial', '', 'openai'],
    ]);
  });

  it("continues only the owner's live conversations, bumping updated_at", async () => {
    const first = (await startTurn(chat.store, { ownerId: alice, conversation: {}, message: 'One', reply }))!;
    const second = (await startTurn(chat.store, { ownerId: alice, conversation: { id: first.conversation.id }, message: 'Two', reply }))!;
    expect(second.conversation.id).toBe(first.conversation.id);
    expect(second.conversation.updatedAt.getTime()).toBeGreaterThanOrEqual(first.conversation.updatedAt.getTime());
    expect((await listMessages(chat.store, first.conversation.id, {})).map((m) => m.content)).toEqual(['One', '', 'Two', '']);
    expect(await startTurn(chat.store, { ownerId: bob, conversation: { id: first.conversation.id }, message: 'Mine?', reply })).toBeNull();
    expect(await startTurn(chat.store, { ownerId: alice, conversation: { id: 'not-a-uuid' }, message: 'x', reply })).toBeNull();
    await deleteConversation(chat.store, alice, first.conversation.id);
    expect(await startTurn(chat.store, { ownerId: alice, conversation: { id: first.conversation.id }, message: 'Late', reply })).toBeNull();
    expect(await getConversation(chat.store, alice, first.conversation.id)).toBeNull();
  });
});
