import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../../../lib/testing/fake-embeddings.ts';
import { buildContext } from './context.ts';
import { createOpenAiEmbedder } from '../../../lib/openai/embeddings.ts';
import { SemanticUnavailableError } from './errors.ts';
import { createIndexer } from './indexer.ts';
import { searchDocuments } from './search.ts';
import { memorySource, useKbSchema } from './test-support.ts';
import type { Embedder, ReadScope, SearchQuery } from './types.ts';
import { enableVectors } from './vector-store.ts';

const DIMENSIONS = 128;
const BOB: ReadScope = { all: false, prefixes: ['shared/', 'users/bob/'] };

const files = {
  'shared/deploy.md': '# Shipping releases\nWe roll out builds to the staging cluster with the pipeline.\n',
  'shared/holidays.md': '# Office holidays\nThe office closes for the winter holidays; see the calendar.\n',
  'shared/kubernetes.md': '# Cluster operations\nScaling the kubernetes cluster and rolling restarts of pods.\n',
  'users/alice/private.md': '# Staging cluster rollout\nRoll out builds to the staging cluster pipeline rollout.\n',
  'users/bob/todo.md': '# Bob todo\nBuy milk. Water plants.\n',
};

let fake: FakeEmbeddings;
beforeAll(async () => {
  fake = await startFakeEmbeddings({ dimensions: DIMENSIONS });
});
afterAll(() => fake?.close());

const embedderFor = (): Embedder =>
  createOpenAiEmbedder({ apiKey: 'sk-test', baseURL: fake.baseURL, dimensions: DIMENSIONS, timeoutMs: 5000, maxRetries: 0 });

describe.each(dbBackends().filter((b) => b.name === 'pglite'))('semantic and hybrid search on $name', ({ create }) => {
  const kb = useKbSchema(create);
  let embedder: Embedder;

  beforeEach(() => {
    embedder = embedderFor();
    fake.failNext(0);
  });

  const index = async () => {
    expect(await enableVectors(kb.db, kb.schema, DIMENSIONS)).toEqual({ ok: true });
    const source = memorySource();
    source.commit(files);
    const indexer = createIndexer({ db: kb.db, schema: kb.schema, source, embedder, vectors: true, logger: createMemoryLogger() });
    await indexer.update();
    return { source, indexer };
  };
  const search = (query: Partial<SearchQuery>, scope: ReadScope = { all: true }) =>
    searchDocuments({ db: kb.db, schema: kb.schema, embedder, vectors: true }, { q: 'staging cluster rollout', mode: 'semantic', limit: 5, ...query }, scope);

  it('embeds every chunk while indexing and finds documents by meaning', async () => {
    const { indexer } = await index();
    const stats = await indexer.stats();
    expect(stats.embedded).toBe(stats.chunks);
    const hits = await search({ q: 'rolling out builds to staging' });
    expect(hits[0]).toMatchObject({ path: 'users/alice/private.md', title: 'Staging cluster rollout', lineStart: 1, lineEnd: 2 });
    expect(hits[0]!.score).toBeGreaterThan(0);
    expect(hits[0]!.score).toBeLessThanOrEqual(1);
    expect(hits[0]!.snippet).not.toContain('<mark>');
    const scores = hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('applies the read scope and filters in SQL', async () => {
    await index();
    const q = 'roll out builds with the staging pipeline';
    expect((await search({ q, limit: 1 }))[0]!.path).toBe('users/alice/private.md');
    const hits = await search({ q, limit: 1 }, BOB);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.path).toBe('shared/deploy.md');
    expect((await search({ limit: 10 }, BOB)).map((h) => h.path)).not.toContain('users/alice/private.md');
    expect(await search({ namespace: 'users/alice' }, BOB)).toEqual([]);
    expect(await search({ mode: 'hybrid', namespace: 'users/alice' }, BOB)).toEqual([]);
    expect((await search({ pathPrefix: 'users/' }, BOB)).map((h) => h.path)).toEqual(['users/bob/todo.md']);
  });

  it('fuses full text and semantic results in hybrid mode', async () => {
    await index();
    const hits = await search({ mode: 'hybrid', q: 'kubernetes cluster' });
    expect(hits[0]!.path).toBe('shared/kubernetes.md');
    expect(hits[0]!.snippet).toContain('<mark>kubernetes</mark>');
    expect(hits[0]!.score).toBeCloseTo(2 / 61, 5);
    // Semantic-only matches still appear (no document contains every word of the query).
    const loose = await search({ mode: 'hybrid', q: 'kubernetes holidays' });
    expect(loose.map((h) => h.path)).toEqual(expect.arrayContaining(['shared/kubernetes.md', 'shared/holidays.md']));
  });

  it('builds contexts from hybrid results', async () => {
    await index();
    const result = await buildContext({ db: kb.db, schema: kb.schema, embedder, vectors: true }, { query: 'kubernetes cluster', maxTokens: 200 }, BOB);
    expect(result.passages[0]).toMatchObject({ path: 'shared/kubernetes.md', heading: 'Cluster operations' });
    expect(result.passages[0]!.score).toBeCloseTo(2 / 61, 5);
    expect(result.tokens).toBeLessThanOrEqual(200);
  });

  it('keeps indexing full text when the embeddings provider fails, and embeds later', async () => {
    expect(await enableVectors(kb.db, kb.schema, DIMENSIONS)).toEqual({ ok: true });
    const source = memorySource();
    source.commit(files);
    const logger = createMemoryLogger();
    const indexer = createIndexer({ db: kb.db, schema: kb.schema, source, embedder, logger });
    fake.failNext(1000);
    const report = await indexer.update();
    expect(report.indexed).toBe(5);
    expect((await indexer.stats()).embedded).toBe(0);
    const fulltext = await searchDocuments({ db: kb.db, schema: kb.schema, vectors: true, embedder }, { q: 'kubernetes', mode: 'fulltext', limit: 5 }, { all: true });
    expect(fulltext.map((h) => h.path)).toEqual(['shared/kubernetes.md']);

    fake.failNext(0);
    source.commit({ 'shared/new.md': '# New\nFresh content.\n' });
    expect((await indexer.update()).indexed).toBe(1);
    const stats = await indexer.stats();
    expect(stats.embedded).toBe(stats.chunks);
  });

  it('refuses semantic search without an embedder or without vectors', async () => {
    await index();
    const q: SearchQuery = { q: 'x', mode: 'semantic', limit: 5 };
    await expect(searchDocuments({ db: kb.db, schema: kb.schema, vectors: true }, q, { all: true })).rejects.toThrow(/KB_EMBEDDINGS_URL/);
    await expect(searchDocuments({ db: kb.db, schema: kb.schema, vectors: false, embedder }, { ...q, mode: 'hybrid' }, { all: true })).rejects.toThrow(
      SemanticUnavailableError,
    );
  });
});

describe.each(dbBackends().filter((b) => b.name === 'postgres'))('semantic search on $name without pgvector', ({ create }) => {
  const kb = useKbSchema(create);

  it('reports why vectors are unavailable, indexes full text, and refuses semantic and hybrid search', async () => {
    const status = await enableVectors(kb.db, kb.schema, DIMENSIONS);
    expect(status.ok).toBe(false);
    expect(!status.ok && status.reason).toMatch(/no pgvector extension/);

    const embedder = embedderFor();
    const source = memorySource();
    source.commit(files);
    const before = fake.requests;
    const indexer = createIndexer({ db: kb.db, schema: kb.schema, source, embedder, logger: createMemoryLogger() });
    expect((await indexer.update()).indexed).toBe(5);
    expect(fake.requests).toBe(before);
    expect((await indexer.stats()).embedded).toBe(0);

    const deps = { db: kb.db, schema: kb.schema, embedder, vectors: false };
    for (const mode of ['semantic', 'hybrid'] as const) {
      await expect(searchDocuments(deps, { q: 'cluster', mode, limit: 5 }, { all: true })).rejects.toThrow(SemanticUnavailableError);
      await expect(searchDocuments(deps, { q: 'cluster', mode, limit: 5 }, { all: true })).rejects.toThrow(/pgvector/);
    }
    const hits = await searchDocuments(deps, { q: 'cluster', mode: 'fulltext', limit: 5 }, { all: true });
    expect(hits.length).toBeGreaterThan(0);
  });
});
