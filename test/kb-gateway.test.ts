import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createApiKey, jsonRequest, signUp, type TestUser } from '../apps/gateway/auth/testing.ts';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/** The knowledge base as the public sees it: through the gateway, with real sign-ups, teams and API keys. */
describe('kb through the gateway', () => {
  let runtime: TestRuntime;
  let platform: PlatformApps;
  let ada: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let teamId: string;
  const gw = (path: string, init?: RequestInit) => platform.gateway.request(path, init);

  beforeAll(async () => {
    runtime = await createTestRuntime();
    platform = await buildTestPlatform(runtime);
    await platform.started;
    [ada, bob, eve] = [await signUp(platform.gateway), await signUp(platform.gateway), await signUp(platform.gateway)];
    const team = await gw('/api/v1/auth/teams', jsonRequest('POST', { name: `kb-${crypto.randomUUID()}` }, bearer(ada)));
    teamId = ((await team.json()) as { id: string }).id;
    const added = await gw(`/api/v1/auth/teams/${teamId}/members/${bob.userId}`, jsonRequest('PUT', {}, bearer(ada)));
    expect(added.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    platform.stop();
    await runtime.close();
  });

  it('writes a document and finds it, as its owner only', async () => {
    const path = `/api/v1/kb/documents/users/${ada.userId}/ideas.md`;
    const put = await gw(path, jsonRequest('PUT', { content: '---\ntags: [ideas]\n---\n# Ideas\n\nA pangolin-themed launch.\n' }, bearer(ada)));
    expect(put.status).toBe(201);
    const mine = await gw('/api/v1/kb/search?q=pangolin&tag=ideas', { headers: bearer(ada) });
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as { mode: string; results: { path: string; snippet: string; line_start: number }[] };
    expect(body.mode).toBe('fulltext');
    expect(body.results).toEqual([expect.objectContaining({ path: `users/${ada.userId}/ideas.md`, snippet: expect.stringContaining('<mark>') })]);
    const theirs = await gw('/api/v1/kb/search?q=pangolin', { headers: bearer(eve) });
    expect(((await theirs.json()) as { results: unknown[] }).results).toEqual([]);
    expect((await gw(path, { headers: bearer(eve) })).status).toBe(403);
    expect((await gw(path)).status).toBe(401);
  });

  it('team folders follow team membership from the auth service', async () => {
    const doc = `/api/v1/kb/documents/teams/${teamId}/plan.md`;
    expect((await gw(doc, jsonRequest('PUT', { content: '# Plan\n' }, bearer(bob)))).status).toBe(201);
    expect((await gw(doc, { headers: bearer(ada) })).status).toBe(200);
    expect((await gw(doc, { headers: bearer(eve) })).status).toBe(403);
    expect((await gw(doc, jsonRequest('PUT', { content: '# Mine now\n' }, bearer(eve)))).status).toBe(403);
  });

  it('serves MCP at /api/v1/kb/mcp to the official SDK client with an API key', async () => {
    const { key } = await createApiKey(platform.gateway, ada);
    const client = new Client({ name: 'gateway-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL('http://localhost:8666/api/v1/kb/mcp'), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
      fetch: async (url, init) => {
        const target = new URL(String(url));
        return gw(`${target.pathname}${target.search}`, init);
      },
    });
    await client.connect(transport);
    const result = (await client.callTool({ name: 'search', arguments: { query: 'pangolin' } })) as CallToolResult;
    expect(result.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('ideas.md') });
    await client.close();
  });

  it('passes the Git webhook through without user credentials (the kb service checks its signature)', async () => {
    const res = await gw('/api/v1/kb/webhook', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe('webhook_not_configured');
  });

  it('answers bad input with clear codes', async () => {
    const code = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await code(await gw('/api/v1/kb/search?q=', { headers: bearer(ada) }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(await gw(`/api/v1/kb/search?q=${'x'.repeat(501)}`, { headers: bearer(ada) }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(await gw('/api/v1/kb/search?q=x&mode=semantic', { headers: bearer(ada) }))).toEqual([503, 'KB_SEMANTIC_UNAVAILABLE']);
    expect(await code(await gw('/api/v1/kb/search?q=x&namespace=elsewhere', { headers: bearer(ada) }))).toEqual([400, 'KB_UNKNOWN_NAMESPACE']);
    expect(await code(await gw('/api/v1/kb/context', jsonRequest('POST', {}, bearer(ada))))).toEqual([400, 'VALIDATION_FAILED']);
  });
});
