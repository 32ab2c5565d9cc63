import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSse } from '../../../../lib/sse/sse.ts';
import { createOpenAiEmbedder } from '../../../../lib/openai/embeddings.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../../../../lib/testing/fake-embeddings.ts';
import { createKbTestApp, type KbTestApp, kbUser } from '../../testing/kb-app.ts';

const user = kbUser(['user']);
const admin = kbUser(['kb_admin']);
const editor = kbUser(['kb_editor']);
type Results = { mode: string; match: string; results: { path: string; heading: string; snippet: string; line_start: number; line_end: number }[] };

/** Search modes, status and reindex on embedded PGlite with pgvector and a fake OpenAI embeddings server. */
describe('kb search with embeddings', () => {
  let t: KbTestApp;
  let embeddings: FakeEmbeddings;

  beforeAll(async () => {
    embeddings = await startFakeEmbeddings({ dimensions: 64 });
    const embedder = createOpenAiEmbedder({ apiKey: 'test', baseURL: embeddings.baseURL, dimensions: 64, model: 'text-embedding-3-small', timeoutMs: 5_000 });
    t = await createKbTestApp({ embedder });
    const docs: Record<string, string> = {
      'shared/ops/deploy.md': '---\ntitle: Deploying\ntags: [ops]\n---\n# Deploying\n\n## Staging\n\nRun the staging pipeline before release.\n\n## Production\n\nProduction deploys need two approvals.\n',
      'shared/hr/holidays.md': '---\ntags: [hr]\n---\n# Holidays\n\nVacation requests go through the people team.\n',
      'shared/ops/oncall.md': '# On-call\n\nThe pager rotates weekly; escalate production incidents.\n',
    };
    for (const [path, content] of Object.entries(docs)) {
      const res = await t.call(editor, 'PUT', `/api/v1/kb/documents/${path}`, { content });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
    await embeddings.close();
  });

  const search = async (query: string) => {
    const res = await t.call(user, 'GET', `/api/v1/kb/search?${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Results;
  };

  it('defaults to hybrid when semantic search is available; results carry heading, snippet and line range', async () => {
    const body = await search('q=staging%20pipeline');
    expect(body.mode).toBe('hybrid');
    expect(body.results[0]).toMatchObject({ path: 'shared/ops/deploy.md', heading: expect.stringContaining('Staging') });
    const hit = body.results[0]!;
    expect(hit.line_start).toBeGreaterThan(5);
    expect(hit.line_end).toBeGreaterThanOrEqual(hit.line_start);
  });

  it('finds by meaning in semantic mode and filters by tag and path', async () => {
    const semantic = await search('q=vacation%20requests&mode=semantic');
    expect(semantic.mode).toBe('semantic');
    expect(semantic.results[0]?.path).toBe('shared/hr/holidays.md');
    const tagged = await search('q=production&mode=fulltext&tag=ops');
    expect(new Set(tagged.results.map((r) => r.path))).toEqual(new Set(['shared/ops/deploy.md']));
    const under = await search('q=production&mode=fulltext&path=shared/ops');
    expect(new Set(under.results.map((r) => r.path))).toEqual(new Set(['shared/ops/deploy.md', 'shared/ops/oncall.md']));
    expect((await search('q=production&mode=fulltext')).results[0]?.snippet).toContain('<mark>');
  });

  it('matches any of a question’s words with match=any (full-text, and in the context for chat)', async () => {
    const question = encodeURIComponent('Who approves production releases?');
    const all = await search(`q=${question}&mode=fulltext`);
    expect([all.match, all.results]).toEqual(['all', []]);
    const any = await search(`q=${question}&mode=fulltext&match=any`);
    expect(any.match).toBe('any');
    expect(any.results[0]).toMatchObject({ path: 'shared/ops/deploy.md', heading: 'Deploying › Production' });
    expect(any.results[0]!.snippet).toContain('<mark>Production</mark>');

    const bad = await t.call(user, 'GET', `/api/v1/kb/search?q=${question}&match=some`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');

    const context = await t.call(user, 'POST', '/api/v1/kb/context', { query: 'Who approves production releases?', match: 'any' });
    expect(context.status).toBe(200);
    const { passages } = (await context.json()) as { passages: { path: string; heading: string }[] };
    expect(passages).toContainEqual(expect.objectContaining({ path: 'shared/ops/deploy.md', heading: 'Deploying › Production' }));
    expect((await t.call(user, 'POST', '/api/v1/kb/context', { query: 'x', match: 'some' })).status).toBe(400);
  });

  it('shows the index in the status, and reindexes with progress events', async () => {
    const status = (await (await t.call(user, 'GET', '/api/v1/kb/sync')).json()) as { remote: null; index: Record<string, unknown> };
    expect(status).toMatchObject({ remote: null, index: { documents: 3, semantic: true, semantic_unavailable_reason: null, progress: null } });
    expect(status.index.embedded).toEqual(status.index.chunks);

    const res = await t.call(admin, 'POST', '/api/v1/kb/reindex', undefined, { accept: 'text/event-stream' });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events: { event?: string; data: string }[] = [];
    for await (const event of parseSse(res.body!)) events.push(event);
    expect(events.at(-1)?.event).toBe('done');
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ indexed: 3, deleted: 0, skipped: 0 });
    expect(events.some((e) => e.event === 'progress')).toBe(true);

    const json = await t.call(admin, 'POST', '/api/v1/kb/reindex');
    expect(await json.json()).toMatchObject({ indexed: 3 });
  });

  it('keeps full-text working while the embeddings provider fails', async () => {
    embeddings.failNext(10);
    const res = await t.call(editor, 'PUT', '/api/v1/kb/documents/shared/new.md', { content: '# Gadgets\n\nThe gizmo inventory.\n' });
    expect(res.status).toBe(201);
    expect((await search('q=gizmo&mode=fulltext')).results.map((r) => r.path)).toEqual(['shared/new.md']);
  });
});
