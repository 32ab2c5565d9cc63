import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../lib/auth/types.ts';
import { staticTeamDirectory } from '../access/teams.ts';
import { createKbTestApp, type KbTestApp, kbUser } from '../testing/kb-app.ts';

/** An MCP client (the official SDK) talking to the kb app in-process as `principal`. */
async function connect(t: KbTestApp, principal: Principal): Promise<Client> {
  const client = new Client({ name: 'kb-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('http://kb.internal/api/v1/kb/mcp'), {
    fetch: async (url, init) => {
      const headers = new Headers(init?.headers);
      for (const [k, v] of Object.entries(await t.as(principal))) headers.set(k, v);
      return t.app.request(String(url), { ...init, headers });
    },
  });
  await client.connect(transport);
  return client;
}

const textOf = (result: unknown) => (result as CallToolResult).content.map((c) => (c.type === 'text' ? c.text : '')).join('');

describe('kb MCP server', () => {
  let t: KbTestApp;
  const team = crypto.randomUUID();
  const alice = kbUser(['user']);
  const bob = kbUser(['user']);

  beforeAll(async () => {
    t = await createKbTestApp({ teams: staticTeamDirectory({ [alice.userId]: [team] }) });
    for (const [path, content] of [
      [`users/${alice.userId}/secret.md`, '# Secret\n\nThe quokka password.\n'],
      [`teams/${team}/roadmap.md`, '# Roadmap\n\nQuokka launch in spring.\n'],
    ] as const) {
      const res = await t.call(alice, 'PUT', `/api/v1/kb/documents/${path}`, { content });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('lists the four tools', async () => {
    const client = await connect(t, alice);
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['list', 'read', 'search', 'write']);
    await client.close();
  });

  it('searches, reads, lists and writes as the caller', async () => {
    const client = await connect(t, alice);
    const found = await client.callTool({ name: 'search', arguments: { query: 'quokka' } });
    expect(textOf(found)).toContain(`users/${alice.userId}/secret.md`);
    expect(textOf(found)).toContain(`teams/${team}/roadmap.md`);
    const read = await client.callTool({ name: 'read', arguments: { path: `teams/${team}/roadmap.md` } });
    expect(JSON.parse(textOf(read))).toMatchObject({ title: 'Roadmap', content: expect.stringContaining('spring') });
    const listed = await client.callTool({ name: 'list', arguments: { path: `users/${alice.userId}` } });
    expect(textOf(listed)).toContain('secret.md');
    const written = await client.callTool({ name: 'write', arguments: { path: `users/${alice.userId}/mcp.md`, content: '# Via MCP\n' } });
    expect(written.isError).toBeFalsy();
    expect((await t.call(alice, 'GET', `/api/v1/kb/documents/users/${alice.userId}/mcp.md`)).status).toBe(200);
    await client.close();
  });

  it("never shows or touches another user's namespace", async () => {
    const client = await connect(t, bob);
    expect(textOf(await client.callTool({ name: 'search', arguments: { query: 'quokka' } }))).not.toContain('quokka');
    const read = await client.callTool({ name: 'read', arguments: { path: `users/${alice.userId}/secret.md` } });
    expect(read.isError).toBe(true);
    expect(textOf(read)).toMatch(/^FORBIDDEN/);
    const write = await client.callTool({ name: 'write', arguments: { path: `teams/${team}/graffiti.md`, content: 'x' } });
    expect(write.isError).toBe(true);
    const traversal = await client.callTool({ name: 'read', arguments: { path: '../../etc/passwd.md' } });
    expect(textOf(traversal)).toMatch(/^KB_INVALID_PATH/);
    const listed = await client.callTool({ name: 'list', arguments: { path: 'teams' } });
    expect(textOf(listed)).not.toContain(team);
    await client.close();
  });

  it('refuses tool arguments it cannot store (NUL, unpaired surrogates) with a 400 VALIDATION_FAILED, writing nothing', async () => {
    const client = await connect(t, alice);
    const head = await t.deps.kb.runtime().repo.head();
    const path = `users/${alice.userId}/surrogate.md`;
    // Before: a lone surrogate was written as U+FFFD, and a NUL query reached SQL (PostgreSQL's error came back).
    await expect(client.callTool({ name: 'write', arguments: { path, content: 'half \ud800 pair' } })).rejects.toThrow(/VALIDATION_FAILED.*params.arguments.content: must not contain unpaired UTF-16 surrogates/);
    await expect(client.callTool({ name: 'search', arguments: { query: 'quokka\u0000' } })).rejects.toThrow(/VALIDATION_FAILED.*params.arguments.query: must not contain NUL/);
    expect(await t.deps.kb.runtime().repo.head()).toBe(head);
    expect((await t.call(alice, 'GET', `/api/v1/kb/documents/${path}`)).status).toBe(404);
    await client.close();
  });

  it('refuses MCP without an identity (401) and answers GET with 405', async () => {
    const res = await t.app.request('/api/v1/kb/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect((await t.call(bob, 'GET', '/api/v1/kb/mcp')).status).toBe(405);
  });
});
