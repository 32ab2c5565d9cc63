import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateConversation } from '../store/conversations.ts';
import { type ChatTestApp, chatUser, createChatTestApp } from '../testing/chat-app.ts';
import { type FakeLlmServer, startFakeOpenAi } from '../testing/fake-openai.ts';

/** A chat turn only ever uses personas its caller may see: their own, the public ones (and, for admins, any by id). */
describe('persona access in chat turns', () => {
  let t: ChatTestApp;
  let openai: FakeLlmServer;
  const alice = chatUser();
  const bob = chatUser();
  const admin = chatUser(['admin']);

  beforeAll(async () => {
    openai = await startFakeOpenAi({
      script: (request) => {
        const body = request.body as { messages: { role: string; content: string }[] };
        return { text: `system=${body.messages.find((m) => m.role === 'system')?.content ?? 'none'}` };
      },
    });
    t = await createChatTestApp({ settings: { providers: { openai: { apiKey: 'sk-test', baseURL: openai.baseURL, models: ['gpt-4o-mini'] } } } });
  });
  afterAll(async () => {
    await t.close();
    await openai.close();
  });

  const createAs = async (user: ReturnType<typeof chatUser>, name: string, prompt: string): Promise<string> => {
    const res = await t.call(user, 'POST', '/api/v1/chat/personas', { name, description: '', system_prompt: prompt });
    expect(res.status).toBe(200);
    return ((await res.json()) as { persona: { id: string } }).persona.id;
  };
  const ask = (user: ReturnType<typeof chatUser>, body: Record<string, unknown>) =>
    t.call(user, 'POST', '/api/v1/chat', { response_format: 'v0.3', message: 'who are you?', ...body });
  const reply = async (res: Response) => {
    expect(res.status).toBe(200);
    return ((await res.json()) as { response: string }).response;
  };

  it("refuses another user's private persona by id or by name exactly as an unknown one (404), streaming too", async () => {
    const id = await createAs(alice, 'Smuggler', 'The vault code is 4711.');
    expect(await reply(await ask(alice, { persona: id }))).toBe('system=The vault code is 4711.');
    expect(await reply(await ask(alice, { persona: 'smuggler' }))).toBe('system=The vault code is 4711.');

    const unknownAnswers = [];
    for (const persona of [crypto.randomUUID(), 'Nobody']) {
      const res = await ask(bob, { persona });
      unknownAnswers.push([res.status, await res.json()]);
    }
    expect(unknownAnswers).toEqual([
      [404, { detail: 'Persona not found' }],
      [404, { detail: 'Persona not found' }],
    ]);
    for (const persona of [id, 'Smuggler', 'SMUGGLER']) {
      for (const stream of [false, true]) {
        const res = await ask(bob, { persona, stream });
        expect([res.status, await res.json()], `${persona} stream=${stream}`).toEqual([404, { detail: 'Persona not found' }]);
      }
    }
    expect(openai.requests.filter((r) => JSON.stringify(r.body).includes('4711'))).toHaveLength(2);
    // Admins see every persona, so they may use one by id.
    expect(await reply(await ask(admin, { persona: id }))).toBe('system=The vault code is 4711.');
  });

  it("resolves a name to the caller's own persona, never to another user's of the same name (also with a warm cache)", async () => {
    await createAs(alice, 'Twin', 'I am Alice’s twin.');
    expect(await reply(await ask(alice, { persona: 'Twin' }))).toBe('system=I am Alice’s twin.');
    expect((await ask(bob, { persona: 'Twin' })).status).toBe(404);
    await createAs(bob, 'Twin', 'I am Bob’s twin.');
    expect(await reply(await ask(bob, { persona: 'twin' }))).toBe('system=I am Bob’s twin.');
    expect(await reply(await ask(alice, { persona: 'twin' }))).toBe('system=I am Alice’s twin.');
    // A private persona named like a public one shadows it for its owner only; the default stays the seeded Mu.
    await createAs(bob, 'Mu', 'I am Bob’s own Mu.');
    expect(await reply(await ask(bob, { persona: 'Mu' }))).toBe('system=I am Bob’s own Mu.');
    expect(await reply(await ask(alice, { persona: 'Mu' }))).toMatch(/^system=You are Mu, a cheerful robot companion/);
    expect(await reply(await ask(bob, {}))).toMatch(/^system=You are Mu, a cheerful robot companion/);
  });

  it("does not let a conversation use another user's persona: PATCH is 404, and one set earlier falls back to the default", async () => {
    const id = await createAs(alice, 'Diarist', 'Alice’s diary says: meet at noon.');
    const started = (await (await ask(bob, {})).json()) as { conversation_id: string };
    const patch = await t.call(bob, 'PATCH', `/api/v1/conversations/${started.conversation_id}`, { persona: id });
    expect([patch.status, await patch.json()]).toEqual([404, { detail: 'Persona not found' }]);
    const byName = await t.call(bob, 'PATCH', `/api/v1/conversations/${started.conversation_id}`, { persona: 'Diarist' });
    expect(byName.status).toBe(404);

    // As a conversation could be pointed at any persona before personas had owners:
    await updateConversation(t.deps.store, bob.userId, started.conversation_id, { personaId: id });
    const answer = await reply(await ask(bob, { conversation_id: started.conversation_id }));
    expect(answer).not.toContain('noon');
    expect(answer).toMatch(/^system=You are Mu/);
  });
});
