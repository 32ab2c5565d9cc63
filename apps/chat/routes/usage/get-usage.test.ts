import { describe, expect, it } from 'vitest';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { createConversation, deleteConversation } from '../../store/conversations.ts';
import { appendMessage } from '../../store/messages.ts';
import { useGaiaTestApp } from '../conversations/gaia-test-app.ts';

describe.each(dbBackends())('GET /api/v1/chat/usage on $name', ({ create }) => {
  const t = useGaiaTestApp(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();

  it('is all zeros for a new user', async () => {
    const res = await t.call('GET', '/api/v1/chat/usage', { user: alice });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input_tokens: 0, output_tokens: 0, total_tokens: 0, messages: 0 });
  });

  it("sums the caller's replies, deleted conversations included, and nobody else's", async () => {
    const first = await createConversation(t.store, alice);
    const second = await createConversation(t.store, alice);
    const bobs = await createConversation(t.store, bob);
    await appendMessage(t.store, first.id, { role: 'user', content: 'hi' });
    await appendMessage(t.store, first.id, { role: 'assistant', content: 'hello', usage: { inputTokens: 10, outputTokens: 5 } });
    await appendMessage(t.store, second.id, { role: 'assistant', content: 'again', usage: { inputTokens: 20, outputTokens: 7 } });
    await appendMessage(t.store, bobs.id, { role: 'assistant', content: 'bob', usage: { inputTokens: 1000, outputTokens: 1000 } });
    await deleteConversation(t.store, alice, second.id);

    const res = await t.call('GET', '/api/v1/chat/usage', { user: alice });
    const body = (await res.json()) as Record<string, number>;
    expect(Object.keys(body).sort()).toEqual(['input_tokens', 'messages', 'output_tokens', 'total_tokens']);
    expect(body).toEqual({ input_tokens: 30, output_tokens: 12, total_tokens: 42, messages: 2 });
  });

  it('needs chat:read', async () => {
    const res = await t.call('GET', '/api/v1/chat/usage', { user: alice, roles: ['kb_viewer'] });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'Not enough permissions' });
  });
});
