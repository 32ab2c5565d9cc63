import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listMessages } from '../store/messages.ts';
import { createPersona } from '../store/personas.ts';
import { type ChatTestApp, chatUser, createChatTestApp } from '../testing/chat-app.ts';
import { type FakeMcpServer, startFakeMcpServer } from '../testing/fake-mcp-server.ts';
import { type FakeLlmServer, startFakeOpenAi } from '../testing/fake-openai.ts';

/** Personas per request (never process-wide) and an MCP server as a tool source, through the whole engine. */
describe('personas and MCP tools in chat turns', () => {
  let t: ChatTestApp;
  let openai: FakeLlmServer;
  let mcp: FakeMcpServer;

  beforeAll(async () => {
    openai = await startFakeOpenAi({
      // Echo the system prompt back, slowly, so concurrent turns overlap.
      script: (request) => {
        const body = request.body as { messages: { role: string; content: string }[]; tools?: unknown[] };
        const lastTool = body.messages.findLast((m) => m.role === 'tool');
        if (lastTool) return { text: `Tool said: ${lastTool.content}` };
        if (body.messages.at(-1)?.content === 'use the tool') {
          return { toolCalls: [{ id: 'call_mcp', name: 'docs__lookup', arguments: '{"term":"gaia"}' }] };
        }
        return { text: `system=${body.messages.find((m) => m.role === 'system')?.content ?? 'none'}`, tokenDelayMs: 5 };
      },
    });
    mcp = await startFakeMcpServer({
      name: 'docs',
      tools: [{ name: 'lookup', inputSchema: { term: z.string() }, run: (args) => `definition of ${String(args.term)}` }],
    });
    t = await createChatTestApp({
      settings: {
        providers: { openai: { apiKey: 'sk-test', baseURL: openai.baseURL, models: ['gpt-4o-mini'] } },
        mcpServers: [{ name: 'docs', url: mcp.url }],
      },
    });
    await createPersona(t.deps.store, { name: 'Pirate', systemPrompt: 'Talk like a pirate.', allowedTools: [] }, null);
    await createPersona(t.deps.store, { name: 'Librarian', systemPrompt: 'Quote the catalogue.', allowedTools: ['docs__*'] }, null);
  });
  afterAll(async () => {
    await t.close();
    await openai.close();
    await mcp.close();
  });

  const ask = async (user: ReturnType<typeof chatUser>, body: Record<string, unknown>) =>
    (await (await t.call(user, 'POST', '/api/v1/chat', { response_format: 'v0.3', ...body })).json()) as { response: string; conversation_id: string };

  it('gives two users with different personas at the same time each their own', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? ask(chatUser(), { message: `hi ${i}`, persona: 'Pirate' }) : ask(chatUser(), { message: `hi ${i}`, persona: 'Librarian' }))),
    );
    for (const [i, r] of results.entries()) expect(r.response).toBe(i % 2 === 0 ? 'system=Talk like a pirate.' : 'system=Quote the catalogue.');
    const defaulted = await ask(chatUser(), { message: 'hi' });
    expect(defaulted.response).toContain('Mu');
    expect((await t.call(chatUser(), 'POST', '/api/v1/chat', { message: 'hi', persona: 'Nobody' })).status).toBe(404);
  });

  it('lets the model call an MCP tool (namespaced, allowed by the persona), streams and stores the call and result', async () => {
    const user = chatUser();
    const res = await t.call(user, 'POST', '/api/v1/chat', { message: 'use the tool', persona: 'Librarian', stream: true });
    const text = await res.text();
    expect(text).toContain('"type":"tool_call"');
    expect(text).toContain('"name":"docs__lookup"');
    expect(text).toContain('"type":"tool_result"');
    const content = [...text.matchAll(/"delta":\{"content":"([^"]*)"\}/g)].map((m) => m[1]).join('');
    expect(content).toBe('Tool said: definition of gaia');
    const conversationId = /"conversation_id":"([^"]+)"/.exec(text)![1]!;
    const reply = (await listMessages(t.deps.store, conversationId, {})).at(-1)!;
    expect(reply.toolCalls).toEqual([expect.objectContaining({ name: 'docs__lookup', result: 'definition of gaia', isError: false })]);
    const offered = openai.requests.find((r) => JSON.stringify(r.body).includes('"content":"use the tool"'))!.body as { tools: { function: { name: string } }[] };
    expect(offered.tools.map((tool) => tool.function.name)).toEqual(['docs__lookup']);
  });

  it('offers no tools to a persona that allows none', async () => {
    await ask(chatUser(), { message: 'plain question', persona: 'Pirate' });
    const sent = openai.requests.find((r) => JSON.stringify(r.body).includes('"content":"plain question"'))!.body as { tools?: unknown[] };
    expect(sent.tools ?? []).toEqual([]);
  });
});
