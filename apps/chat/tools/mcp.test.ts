import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemoryLogger } from '../../../lib/logging/index.ts';
import { type FakeMcpServer, type FakeMcpTool, startFakeMcpServer } from '../testing/fake-mcp-server.ts';
import { scriptedProvider, textTurn, toolTurn } from '../testing/scripted-provider.ts';
import { runToolLoop } from './loop.ts';
import { connectMcpTools, type McpToolSource, mcpToolName } from './mcp.ts';
import type { Tool } from './types.ts';

const docsTools: FakeMcpTool[] = [
  { name: 'search', description: 'Search the docs', inputSchema: { query: z.string() }, run: ({ query }) => `results for ${String(query)}` },
  { name: 'fetch.page', description: 'Fetch a page', inputSchema: { url: z.string() } },
  { name: 'admin_delete', description: 'Deletes everything' },
];
const ctx = () => ({ signal: new AbortController().signal });
const names = (tools: Tool[]) => tools.map((tool) => tool.spec.name).sort();
const listings = (server: FakeMcpServer) => server.requests.filter((r) => r.method === 'tools/list').length;

describe('MCP tools', () => {
  let docs: FakeMcpServer;
  let hang: FakeMcpServer;
  let junk: FakeMcpServer;
  let slowCalls: FakeMcpServer;
  const sources: McpToolSource[] = [];
  const source = (...args: Parameters<typeof connectMcpTools>) => {
    const made = connectMcpTools(...args);
    sources.push(made);
    return made;
  };

  beforeAll(async () => {
    [docs, hang, junk, slowCalls] = await Promise.all([
      startFakeMcpServer({ tools: docsTools }),
      startFakeMcpServer({ tools: docsTools, behaviour: 'hang' }),
      startFakeMcpServer({ tools: docsTools, behaviour: 'garbage' }),
      startFakeMcpServer({ tools: [{ name: 'wait' }], behaviour: 'hang-calls' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.close()));
    await Promise.all([docs, hang, junk, slowCalls].map((s) => s.close()));
  });

  it('lists tools namespaced by server with descriptions and schemas, sending the configured headers', async () => {
    const mcp = source([{ name: 'docs', url: docs.url, headers: { authorization: 'Bearer docs-key' } }]);
    const tools = await mcp.tools();
    expect(names(tools)).toEqual(['docs__admin_delete', 'docs__fetch_page', 'docs__search']);
    const search = tools.find((t) => t.spec.name === 'docs__search')!;
    expect(search.source).toBe('mcp');
    expect(search.spec.description).toBe('Search the docs');
    expect(search.spec.parameters).toMatchObject({ type: 'object', properties: { query: { type: 'string' } }, required: ['query'] });
    expect(search.spec.parameters).not.toHaveProperty('$schema');
    expect(tools.find((t) => t.spec.name === 'docs__admin_delete')!.spec.parameters).toMatchObject({ type: 'object', properties: {} });
    expect(docs.requests.at(-1)?.headers.authorization).toBe('Bearer docs-key');
    expect(await search.run({ query: 'quokka' }, ctx())).toEqual({ content: 'results for quokka', isError: false });
    expect(mcp.status()).toEqual([{ name: 'docs', url: docs.url, tools: 3, error: null }]);
  });

  it('offers only allow-listed tools (exact names and prefix*)', async () => {
    const mcp = source([{ name: 'docs', url: docs.url, allowTools: ['search', 'fetch*'] }]);
    expect(names(await mcp.tools())).toEqual(['docs__fetch_page', 'docs__search']);
  });

  it('skips a hanging, a garbage and a refusing server (logged) without failing the others', async () => {
    const logger = createMemoryLogger('warn');
    const mcp = source(
      [
        { name: 'docs', url: docs.url },
        { name: 'slow', url: hang.url, timeoutMs: 300 },
        { name: 'junk', url: junk.url },
        { name: 'gone', url: 'http://127.0.0.1:1/mcp' },
      ],
      { logger, defaultTimeoutMs: 2_000 },
    );
    const started = performance.now();
    const tools = await mcp.tools();
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(names(tools)).toEqual(['docs__admin_delete', 'docs__fetch_page', 'docs__search']);
    const skipped = logger.entries().filter((e) => e.msg === 'mcp server skipped');
    expect(skipped.map((e) => e.server).sort()).toEqual(['gone', 'junk', 'slow']);
    expect(skipped.find((e) => e.server === 'slow')?.error).toBe('no answer within 300 ms');
    expect(mcp.status().find((s) => s.name === 'junk')?.error).toBeTruthy();
  });

  it('caches each tool list for the TTL, and a failed server for the failure TTL', async () => {
    let now = 0;
    const mcp = source(
      [
        { name: 'docs', url: docs.url },
        { name: 'junk', url: junk.url },
      ],
      { now: () => now, cacheTtlMs: 60_000, failureTtlMs: 10_000 },
    );
    const before = listings(docs);
    const junkBefore = junk.requests.length;
    await Promise.all([mcp.tools(), mcp.tools()]);
    await mcp.tools();
    expect(listings(docs) - before).toBe(1);
    now = 59_000;
    await mcp.tools();
    expect(listings(docs) - before).toBe(1);
    expect(junk.requests.length).toBe(junkBefore);
    now = 61_000;
    await mcp.tools();
    expect(listings(docs) - before).toBe(2);
  });

  it('calls a tool end-to-end through the loop; a hanging call times out without failing the other call', async () => {
    const mcp = source([
      { name: 'docs', url: docs.url, allowTools: ['search'] },
      { name: 'slowcalls', url: slowCalls.url, timeoutMs: 300 },
    ]);
    const tools = await mcp.tools();
    expect(names(tools)).toEqual(['docs__search', 'slowcalls__wait']);
    const provider = scriptedProvider([
      toolTurn([
        { id: 'a', name: 'docs__search', arguments: { query: 'deploys' } },
        { id: 'b', name: 'slowcalls__wait', arguments: {} },
        { id: 'c', name: 'docs__admin_delete', arguments: {} },
      ]),
      textTurn('Deploys are documented.'),
    ]);
    const loop = runToolLoop({ provider, model: 'm', messages: [{ role: 'user', content: 'How do I deploy?' }], tools });
    for await (const _ of loop);
    const result = await loop.result;
    expect(result.messages.filter((m) => m.role === 'tool').map((m) => [m.toolCallId, m.isError, m.content])).toEqual([
      ['a', false, 'results for deploys'],
      ['b', true, 'MCP server slowcalls did not answer within 300 ms'],
      ['c', true, expect.stringContaining('Unknown tool "docs__admin_delete"')],
    ]);
    expect(result.finishReason).toBe('stop');
    expect(docs.calls.at(-1)).toEqual({ name: 'search', arguments: { query: 'deploys' } });
    expect(slowCalls.calls.at(-1)?.name).toBe('wait');
  });

  it('turns server-side tool errors into tool errors, and reconnects after a failing call', async () => {
    const flaky = await startFakeMcpServer({
      tools: [
        { name: 'ok', run: () => 'fine' },
        { name: 'fails', run: () => ({ content: [{ type: 'text', text: 'no such record' }], isError: true }) },
      ],
    });
    try {
      const mcp = source([{ name: 'flaky', url: flaky.url }]);
      const tools = await mcp.tools();
      const run = (name: string) => tools.find((t) => t.spec.name === name)!.run({}, ctx());
      expect(await run('flaky__fails')).toEqual({ content: 'no such record', isError: true });
      flaky.behaviour = 'garbage';
      expect(await run('flaky__ok')).toMatchObject({ isError: true, content: expect.stringMatching(/^MCP server flaky failed: /) });
      flaky.behaviour = 'normal';
      const initializes = flaky.requests.filter((r) => r.method === 'initialize').length;
      expect(await run('flaky__ok')).toEqual({ content: 'fine', isError: false });
      expect(flaky.requests.filter((r) => r.method === 'initialize').length).toBe(initializes + 1);
    } finally {
      await flaky.close();
    }
  });

  it('returns no tools, quickly, when the caller aborts while listing', async () => {
    const mcp = source([{ name: 'slow', url: hang.url, timeoutMs: 5_000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await mcp.tools({ signal: controller.signal })).toEqual([]);
  });

  it('validates the server list', () => {
    expect(() => connectMcpTools([{ name: 'bad name', url: docs.url }])).toThrow();
    expect(() => connectMcpTools([{ name: 'a__b', url: docs.url }])).toThrow();
    expect(() => connectMcpTools([{ name: 'x', url: 'ftp://host/mcp' }])).toThrow();
    expect(() =>
      connectMcpTools([
        { name: 'x', url: docs.url },
        { name: 'x', url: docs.url },
      ]),
    ).toThrow(/unique/);
  });
});

describe('mcpToolName', () => {
  it('namespaces, sanitises and bounds names at 64 characters, keeping them distinct', () => {
    expect(mcpToolName('docs', 'search')).toBe('docs__search');
    expect(mcpToolName('docs', 'fetch.page/v2 ü')).toBe('docs__fetch_page_v2__');
    const a = mcpToolName('docs', `${'x'.repeat(80)}a`);
    const b = mcpToolName('docs', `${'x'.repeat(80)}b`);
    expect(a).toHaveLength(64);
    expect(a).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(a).not.toBe(b);
  });
});
