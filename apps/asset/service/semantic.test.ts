import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiEmbedder, type Embedder } from '../../../lib/openai/embeddings.ts';
import { eventually } from '../../../lib/testing/async.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../../../lib/testing/fake-embeddings.ts';
import { type AssetTestApp, assetUser, createAssetTestApp, type SharedAssetBackend, settledJob, sharedAssetBackend } from '../testing/asset-app.ts';
import { createTestProvider, type TestProvider } from '../testing/test-provider.ts';
import type { JobView } from '../views/job-view.ts';

const DIMENSIONS = 64;
/** What a real embedding model knows and a word match does not: these words mean the same. */
const SYNONYMS = { oak: 'wooden', strongbox: 'chest', coffer: 'chest' };

let fake: FakeEmbeddings;
beforeAll(async () => {
  fake = await startFakeEmbeddings({ dimensions: DIMENSIONS, synonyms: SYNONYMS });
});
afterAll(() => fake?.close());

const embedder = (): Embedder =>
  createOpenAiEmbedder({ apiKey: 'sk-test', baseURL: fake.baseURL, dimensions: DIMENSIONS, timeoutMs: 5_000, maxRetries: 0 });
const request = (description: string, extra: Record<string, unknown> = {}) => ({ category: 'texture', style: 'painted', description, ...extra });

describe.each(dbBackends().filter((b) => b.name === 'pglite'))('asset reuse by meaning on $name (pgvector)', ({ create: createDb }) => {
  let shared: SharedAssetBackend;
  let t: AssetTestApp;
  let provider: TestProvider;

  beforeAll(async () => {
    shared = await sharedAssetBackend({ db: await createDb() });
    provider = createTestProvider({ costUsd: 0.02 });
    t = await createAssetTestApp({ shared, providers: [provider], embedder: embedder() });
  });
  afterAll(async () => {
    await t.close();
    await shared.close();
    await shared.db.close();
  });
  beforeEach(() => fake.failNext(0));

  const embedded = async (assetId: string) =>
    (await shared.db.query(`select 1 from "${shared.schema}".asset_embeddings where asset_id = $1`, [assetId])).length === 1;
  const submit = async (body: unknown, who = assetUser()) => {
    const res = await t.call(who, 'POST', '/api/v1/assets/jobs', body);
    expect(res.status, await res.clone().text()).toBe(202);
    return (await res.json()) as JobView;
  };
  const finished = (id: string, who: ReturnType<typeof assetUser>) => settledJob(t, who, id);
  const generated = async (description: string, who: ReturnType<typeof assetUser>, extra: Record<string, unknown> = {}) => {
    const job = await finished((await submit(request(description, extra), who)).id, who);
    expect(job).toMatchObject({ state: 'succeeded', source: 'generated' });
    await eventually(() => embedded(job.asset_id as string), 5_000);
    return job;
  };

  it('is on, and reuses an asset that means the same in other words (no word in common but the style)', async () => {
    expect(t.deps.core.semantic?.available).toBe(true);
    const owner = assetUser();
    const made = await generated('wooden chest', owner);
    const calls = provider.calls.length;
    // "oak strongbox" shares no word with "wooden chest": the full-text match alone generated a new one.
    const reused = await submit(request('oak strongbox'), owner);
    expect(reused).toMatchObject({ state: 'succeeded', source: 'database', cost: 0, asset_id: made.asset_id });
    expect(provider.calls.length).toBe(calls);
    expect(t.logger.entries().some((e) => e.msg === 'asset request served from the database' && e.matchedBy === 'meaning')).toBe(true);
  });

  it('generates when nothing is close enough, and never reuses another user’s private asset', async () => {
    const owner = assetUser();
    await generated('wooden coffer', owner);
    const calls = provider.calls.length;
    const far = await finished((await submit(request('blue fish'), owner)).id, owner);
    expect(far.source).toBe('generated');
    const stranger = assetUser();
    const theirs = await finished((await submit(request('oak coffer'), stranger)).id, stranger);
    expect(theirs.source).toBe('generated');
    expect(provider.calls.length).toBe(calls + 2);
  });

  it("gives another user's reuse of a public asset a record of their own that keeps the asset's vector", async () => {
    const maker = assetUser();
    const made = await generated('wooden strongbox', maker, { category: 'image', visibility: 'public' });
    const reuser = assetUser();
    const first = await submit(request('oak chest', { category: 'image' }), reuser);
    expect(first).toMatchObject({ state: 'succeeded', source: 'database' });
    expect(first.asset_id).not.toBe(made.asset_id);
    // The reuser's record has the vector of the asset it came from.
    expect(await embedded(first.asset_id as string)).toBe(true);
  });

  it('goes on with full text when the embeddings provider fails: the request is served, never refused', async () => {
    const owner = assetUser();
    await generated('wooden crate', owner);
    fake.failNext(10);
    const job = await finished((await submit(request('oak crate box'), owner)).id, owner);
    expect(job.state).toBe('succeeded');
    expect(t.logger.entries().some((e) => String(e.msg).startsWith('asset reuse by meaning skipped for a request'))).toBe(true);
  });

  it('embeds, at start, the assets made while embeddings were off', async () => {
    const plain = await createAssetTestApp({ shared, providers: [provider] });
    const owner = assetUser();
    const res = await plain.call(owner, 'POST', '/api/v1/assets/generate', request('wooden treasure chest lid'));
    const body = (await res.json()) as { asset_id: string };
    expect(await embedded(body.asset_id)).toBe(false);
    await plain.close();
    const next = await createAssetTestApp({ shared, providers: [provider], embedder: embedder() });
    try {
      await eventually(() => embedded(body.asset_id), 5_000);
      expect(next.logger.entries().some((e) => e.msg === 'asset embeddings backfill progress')).toBe(true);
    } finally {
      await next.close();
    }
  });
});

describe.each(dbBackends().filter((b) => b.name === 'postgres'))('asset reuse where the database has no pgvector ($name)', ({ create: createDb }) => {
  it('says reuse by meaning is off and serves requests by their words', async () => {
    const shared = await sharedAssetBackend({ db: await createDb() });
    const hasVector = (await shared.db.query(`select 1 from pg_available_extensions where name = 'vector'`)).length > 0;
    const t = await createAssetTestApp({ shared, providers: [createTestProvider()], embedder: embedder() });
    try {
      expect(t.deps.core.semantic?.available).toBe(hasVector);
      if (!hasVector) {
        expect(t.logger.entries().find((e) => String(e.msg).startsWith('asset reuse by meaning is off'))?.reason).toMatch(/pgvector/);
      }
      const res = await t.call(assetUser(), 'POST', '/api/v1/assets/generate', request('wooden chest'));
      expect(res.status).toBe(200);
    } finally {
      await t.close();
      await shared.close();
      await shared.db.close();
    }
  });
});
