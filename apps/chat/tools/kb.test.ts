import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_TOKEN_HEADER } from '../../../lib/auth/internal-token.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import { inProcessClient } from '../../../lib/service/client.ts';
import { withIdentity } from '../../../lib/service/identity-client.ts';
import type { ServiceClient } from '../../../lib/service/types.ts';
import { createKbTestApp, type KbTestApp, kbUser } from '../../kb/testing/kb-app.ts';
import { kbTools } from './kb.ts';
import type { Tool } from './types.ts';

/** A kb client bound to `principal`, signed as the engine's `withIdentity` would (with the test app's key). */
function kbAs(t: KbTestApp, principal: Principal): ServiceClient {
  const tokens = { get: async (p: Principal) => (await t.as(p))[INTERNAL_TOKEN_HEADER]! };
  return withIdentity(
    inProcessClient('kb', (request) => t.app.fetch(request)),
    tokens,
    principal,
  );
}

const ctx = { signal: new AbortController().signal };
const byName = (tools: Tool[], name: string) => tools.find((tool) => tool.spec.name === name)!;
const run = (tools: Tool[], name: string, args: unknown) => byName(tools, name).run(args, ctx);

describe('kb tools against a real kb', () => {
  let t: KbTestApp;
  const alice = kbUser(['user']);
  const bob = kbUser(['user']);
  const editor = kbUser(['kb_editor']);
  const secret = `users/${alice.userId}/secret.md`;
  let asAlice: Tool[];
  let asBob: Tool[];

  beforeAll(async () => {
    t = await createKbTestApp();
    for (const [who, path, content] of [
      [alice, secret, '# Secret plans\n\nThe quokka password is hunter2.\n'],
      [editor, 'shared/guides/quokka.md', '---\ntags: [animals]\n---\n# Quokka care\n\nQuokkas like leaves & shade.\n'],
    ] as const) {
      expect((await t.call(who, 'PUT', `/api/v1/kb/documents/${path}`, { content })).status).toBe(201);
    }
    asAlice = kbTools(kbAs(t, alice));
    asBob = kbTools(kbAs(t, bob));
  });
  afterAll(() => t.close());

  it('offers four tools with JSON-schema parameters', () => {
    expect(asBob.map((tool) => tool.spec.name)).toEqual(['kb_search', 'kb_read', 'kb_list', 'kb_context']);
    expect(asBob.every((tool) => tool.source === 'kb')).toBe(true);
    expect(byName(asBob, 'kb_search').spec.parameters).toMatchObject({ type: 'object', properties: { query: { type: 'string' } }, required: ['query'] });
    expect(byName(asBob, 'kb_read').spec.parameters).not.toHaveProperty('$schema');
  });

  it("searches only what the caller may read: bob never sees alice's document", async () => {
    const bobs = await run(asBob, 'kb_search', { query: 'quokka' });
    expect(bobs.isError).toBe(false);
    const found = JSON.parse(bobs.content) as { results: { path: string; snippet: string; lines: string }[] };
    expect(found.results.map((r) => r.path)).toEqual(['shared/guides/quokka.md']);
    expect(found.results[0]!.snippet).not.toContain('<mark>');
    expect(found.results[0]!.lines).toMatch(/^\d+-\d+$/);
    expect(bobs.content).not.toContain('hunter2');

    const alices = JSON.parse((await run(asAlice, 'kb_search', { query: 'quokka', limit: 10 })).content) as { results: { path: string }[] };
    expect(alices.results.map((r) => r.path).sort()).toEqual(['shared/guides/quokka.md', secret]);
  });

  it("reading another user's document is a tool error naming FORBIDDEN; the owner reads it", async () => {
    const denied = await run(asBob, 'kb_read', { path: secret });
    expect(denied).toMatchObject({ isError: true, content: expect.stringMatching(/^FORBIDDEN: /) });
    expect(denied.content).not.toContain('hunter2');

    const read = await run(asAlice, 'kb_read', { path: secret });
    expect(read.isError).toBe(false);
    expect(JSON.parse(read.content)).toMatchObject({ path: secret, title: 'Secret plans', content: expect.stringContaining('hunter2') });

    const missing = await run(asBob, 'kb_read', { path: 'shared/nope.md' });
    expect(missing).toMatchObject({ isError: true, content: expect.stringMatching(/^[A-Z_]*NOT_FOUND[A-Z_]*: /) });
  });

  it('lists folders and builds context without other namespaces', async () => {
    const root = JSON.parse((await run(asBob, 'kb_list', {})).content) as { entries: { path: string }[] };
    expect(JSON.stringify(root)).not.toContain(alice.userId);
    const guides = JSON.parse((await run(asBob, 'kb_list', { path: 'shared/guides/' })).content) as { path: string; entries: unknown[] };
    expect(guides).toEqual({ path: 'shared/guides', entries: [{ path: 'shared/guides/quokka.md', type: 'file', title: 'Quokka care' }] });

    const context = await run(asBob, 'kb_context', { query: 'quokka' });
    expect(context.isError).toBe(false);
    expect(context.content).not.toContain(secret);
    expect(JSON.parse(context.content)).toMatchObject({ passages: [{ path: 'shared/guides/quokka.md' }], truncated: false });

    const alices = await run(asAlice, 'kb_context', { query: 'quokka password' });
    expect(JSON.parse(alices.content)).toMatchObject({ passages: [{ path: secret, text: expect.stringContaining('hunter2') }] });

    const denied = await run(asBob, 'kb_context', { path: secret });
    expect(denied).toMatchObject({ isError: true, content: expect.stringMatching(/^FORBIDDEN/) });
  });

  it('validates arguments before calling the kb', async () => {
    expect(await run(asBob, 'kb_read', { path: '../../etc/passwd.md' })).toMatchObject({ isError: true, content: expect.stringContaining('Invalid arguments: path') });
    expect(await run(asBob, 'kb_search', { query: 42 })).toMatchObject({ isError: true, content: expect.stringContaining('query') });
    expect(await run(asBob, 'kb_context', { query: 'x', path: 'shared/a.md' })).toMatchObject({ isError: true, content: expect.stringContaining('either query or path') });
    expect(await run(asBob, 'kb_search', { query: 'x', limit: 500 })).toMatchObject({ isError: true });
  });
});

describe('kb tools when the kb fails', () => {
  const client = (fetch: ServiceClient['fetch']): ServiceClient => ({ name: 'kb', target: 'test', fetch });

  it('turns an error envelope, an unreadable answer and a network failure into tool errors', async () => {
    const notReady = kbTools(client(async () => Response.json({ error: { code: 'KB_NOT_READY', message: 'The knowledge base is starting' } }, { status: 503 })));
    expect(await run(notReady, 'kb_search', { query: 'x' })).toEqual({ isError: true, content: 'KB_NOT_READY: The knowledge base is starting' });
    const garbage = kbTools(client(async () => new Response('<html>bad gateway</html>', { status: 502 })));
    expect(await run(garbage, 'kb_list', {})).toEqual({ isError: true, content: 'KB_ERROR: the knowledge base answered HTTP 502' });
    const down = kbTools(
      client(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    expect(await run(down, 'kb_read', { path: 'shared/a.md' })).toMatchObject({ isError: true, content: expect.stringContaining('KB_UNAVAILABLE') });
  });

  it('cuts long documents and says so', async () => {
    const long = kbTools(client(async () => Response.json({ path: 'shared/a.md', title: 'A', tags: [], content: 'x'.repeat(100) })), { maxReadChars: 10 });
    expect(JSON.parse((await run(long, 'kb_read', { path: 'shared/a.md' })).content)).toEqual({ path: 'shared/a.md', title: 'A', tags: [], content: 'x'.repeat(10), truncated: true, total_chars: 100 });
  });
});
