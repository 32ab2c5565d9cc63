import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { type AssetTestApp, assetUser, createAssetTestApp, type SharedAssetBackend, sharedAssetBackend } from '../../testing/asset-app.ts';
import { createTestProvider, type TestProvider } from '../../testing/test-provider.ts';

/** GAIA-API §11: the exact key sets GAIA clients read. */
const ASSET_KEYS = ['asset_data', 'asset_id', 'cost', 'cost_breakdown', 'metadata', 'response_time_ms', 'source', 'storage_info'];
const ASSET_DATA_KEYS = ['attribution_required', 'download_url', 'file_format', 'file_size_mb', 'license_type', 'preview_image_url', 'quality_score'];
const STORAGE_KEYS = ['bucket_name', 'external_source', 'file_path', 'storage_type'];
const COST_KEYS = ['generation_cost', 'modification_cost', 'search_cost', 'storage_cost', 'total_cost'];

type GaiaAssetBody = Record<string, unknown> & {
  asset_id: string;
  source: string;
  cost: number;
  asset_data: Record<string, unknown> & { download_url: string; file_format: string };
  storage_info: Record<string, unknown>;
  cost_breakdown: Record<string, unknown>;
};

function expectGaiaAsset(body: GaiaAssetBody): void {
  expect(Object.keys(body).sort()).toEqual(ASSET_KEYS);
  expect(Object.keys(body.asset_data).sort()).toEqual(ASSET_DATA_KEYS);
  expect(Object.keys(body.storage_info).sort()).toEqual(STORAGE_KEYS);
  expect(Object.keys(body.cost_breakdown).sort()).toEqual(COST_KEYS);
  expect(body.asset_id).toMatch(/^[0-9a-f-]{36}$/);
}

describe.each(dbBackends())('GAIA asset routes ($name)', ({ create }) => {
  let t: AssetTestApp;
  let shared: SharedAssetBackend;
  let provider: TestProvider;
  const owner = assetUser();
  const stranger = assetUser();
  const generate = (who = owner, body: unknown = { category: 'texture', style: 'mossy', description: 'cobblestone path' }) =>
    t.call(who, 'POST', '/api/v1/assets/generate', body);

  beforeAll(async () => {
    provider = createTestProvider({ name: 'test', costUsd: 0.04, estimateUsd: 0.05 });
    shared = await sharedAssetBackend({ db: await create() });
    t = await createAssetTestApp({ shared, providers: [provider] });
  });
  afterAll(async () => {
    await t.close();
    await shared.close();
    await shared.db.close();
  });

  it('generates an asset and answers when it is ready, in GAIA’s exact shape', async () => {
    const res = await generate();
    expect(res.status).toBe(200);
    const body = (await res.json()) as GaiaAssetBody;
    expectGaiaAsset(body);
    expect(body.source).toBe('generated');
    expect(body.cost).toBe(0.04);
    expect(body.cost_breakdown).toEqual({ generation_cost: 0.04, search_cost: 0, modification_cost: 0, storage_cost: 0, total_cost: 0.04 });
    expect(body.asset_data.file_format).toBe('png');
    expect(body.asset_data.license_type).toBe('proprietary');
    expect(body.storage_info.storage_type).toBe('generated');
    expect(body.asset_data.download_url).toBe(`/api/v1/assets/${body.asset_id}/download`);
    // The file is a real PNG, downloadable by its owner only.
    const file = await t.call(owner, 'GET', body.asset_data.download_url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await file.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await t.call(stranger, 'GET', body.asset_data.download_url)).status).toBe(404);
  });

  it('returns the same request’s asset again from the database, at no cost (dedup)', async () => {
    const first = (await (await generate()).json()) as GaiaAssetBody;
    const calls = provider.calls.length;
    const again = await generate(owner, { category: 'texture', style: '  Mossy ', description: 'Cobblestone   path' });
    const body = (await again.json()) as GaiaAssetBody;
    expectGaiaAsset(body);
    expect(body.asset_id).toBe(first.asset_id);
    expect(body.source).toBe('database');
    expect(body.cost).toBe(0);
    expect(provider.calls.length).toBe(calls);
  });

  it('reuses a matching existing asset with allow_database, and generates with allow_database false', async () => {
    const made = (await (await generate(owner, { category: 'prop', style: 'low-poly', description: 'wooden treasure chest with iron bands' })).json()) as GaiaAssetBody;
    const calls = provider.calls.length;
    const similar = await generate(owner, { category: 'prop', style: 'low poly', description: 'treasure chest, wooden', preferences: { allow_database: true } });
    const reused = (await similar.json()) as GaiaAssetBody;
    expect(reused.asset_id).toBe(made.asset_id);
    expect(reused.source).toBe('database');
    expect(provider.calls.length).toBe(calls);
    const fresh = await generate(owner, { category: 'prop', style: 'low poly', description: 'treasure chest, wooden', preferences: { allow_database: false } });
    const generated = (await fresh.json()) as GaiaAssetBody;
    expect(generated.source).toBe('generated');
    expect(generated.asset_id).not.toBe(made.asset_id);
    expect(generated.asset_data.file_format).toBe('glb');
    // Another user's private asset is never reused.
    const other = (await (await generate(stranger, { category: 'prop', style: 'low-poly', description: 'wooden treasure chest with iron bands' })).json()) as GaiaAssetBody;
    expect(other.source).toBe('generated');
  });

  it('answers 404 when nothing matches and generation is not allowed', async () => {
    const res = await generate(owner, { category: 'audio', style: 'ambient', description: 'rain on a tin roof', preferences: { allow_generation: false } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { detail: string };
    expect(Object.keys(body)).toEqual(['detail']);
    expect(body.detail).toMatch(/not found|no existing asset/i);
  });

  it('lists the caller’s assets with total, message and timestamp', async () => {
    const res = await t.call(owner, 'GET', '/api/v1/assets');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { assets: GaiaAssetBody[]; total: number; message: string; timestamp: string };
    expect(Object.keys(body).sort()).toEqual(['assets', 'message', 'timestamp', 'total']);
    expect(body.total).toBe(body.assets.length);
    expect(body.total).toBeGreaterThanOrEqual(3);
    for (const asset of body.assets) expectGaiaAsset(asset);
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    const theirs = (await (await t.call(stranger, 'GET', '/api/v1/assets')).json()) as { total: number };
    expect(theirs.total).toBe(1);
  });

  it('shows an asset to its owner only: 404 Asset not found for others, unknown and non-UUID ids', async () => {
    const made = (await (await generate()).json()) as GaiaAssetBody;
    const mine = await t.call(owner, 'GET', `/api/v1/assets/${made.asset_id}`);
    expect(mine.status).toBe(200);
    expectGaiaAsset((await mine.json()) as GaiaAssetBody);
    for (const [who, id] of [
      [stranger, made.asset_id],
      [owner, crypto.randomUUID()],
      [owner, 'not-a-uuid'],
    ] as const) {
      const res = await t.call(who, 'GET', `/api/v1/assets/${id}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ detail: 'Asset not found' });
    }
  });

  it('answers 422 with FastAPI’s list for an invalid body, 400 for malformed JSON', async () => {
    const res = await generate(owner, { category: 'spaceship', description: '' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: { type: string; loc: string[]; msg: string; input: unknown }[] };
    const locs = body.detail.map((d) => d.loc.join('.'));
    expect(locs).toEqual(expect.arrayContaining(['body.category', 'body.style', 'body.description']));
    for (const item of body.detail) expect(Object.keys(item).sort()).toEqual(['input', 'loc', 'msg', 'type']);
    const malformed = await t.app.request('/api/v1/assets/generate', {
      method: 'POST',
      headers: { ...(await t.as(owner)), 'content-type': 'application/json' },
      body: '{"category":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ detail: 'Invalid JSON body' });
  });

  it('answers Asset request failed: <reason>, naming no provider: 400 when the request was refused, 500 when the generator failed', async () => {
    const refusing = createTestProvider({ name: 'secretvendor', failures: ['refused'] });
    const broken = createTestProvider({ name: 'secretvendor', failures: ['retryable', 'retryable'] });
    for (const [provider, status, detail] of [
      [refusing, 400, 'Asset request failed: the generator refused the request: the generator says: scripted refused failure'],
      [broken, 500, 'Asset request failed: the generator was unavailable (after 2 attempts)'],
    ] as const) {
      const other = await createAssetTestApp({ providers: [provider] });
      try {
        const res = await other.call(owner, 'POST', '/api/v1/assets/generate', { category: 'image', style: 'noir', description: 'a detective' });
        expect(res.status).toBe(status);
        const body = (await res.json()) as { detail: string };
        expect(body).toEqual({ detail });
        expect(body.detail).not.toContain('secretvendor');
      } finally {
        await other.close();
      }
    }
  });

  it('answers 500 naming the job when the asset is not ready within max_wait_time_ms (the same request later joins it)', async () => {
    const slow = createTestProvider({ hang: true });
    const other = await createAssetTestApp({ providers: [slow] });
    try {
      const body = { category: 'image', style: 'noir', description: 'a rainy street', preferences: { max_wait_time_ms: 300 } };
      const res = await other.call(owner, 'POST', '/api/v1/assets/generate', body);
      expect(res.status).toBe(500);
      const detail = ((await res.json()) as { detail: string }).detail;
      expect(detail).toMatch(/^Asset request failed: the asset was not ready within 300 ms; .*\/api\/v1\/assets\/jobs\/[0-9a-f-]{36}/);
      await other.call(owner, 'POST', '/api/v1/assets/generate', body);
      expect(slow.calls.length).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('refuses over budget and over max_cost with 402 in GAIA’s {"detail"} naming the budget and its reset', async () => {
    const pricey = createTestProvider({ estimateUsd: 4, costUsd: 4 });
    const other = await createAssetTestApp({ providers: [pricey], behaviour: { budgets: { dailyMicros: 5_000_000, monthlyMicros: 50_000_000 } } });
    try {
      const ask = (description: string, preferences: Record<string, unknown> = {}) =>
        other.call(owner, 'POST', '/api/v1/assets/generate', { category: 'image', style: 'oil', description, preferences });
      expect((await ask('a lighthouse')).status).toBe(200);
      const over = await ask('a harbour');
      expect(over.status).toBe(402);
      const body = (await over.json()) as { detail: string };
      expect(Object.keys(body)).toEqual(['detail']);
      expect(body.detail).toMatch(/daily asset budget/);
      expect(body.detail).toMatch(/resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
      const capped = await ask('a schooner', { max_cost: 1 });
      expect(capped.status).toBe(402);
      expect(((await capped.json()) as { detail: string }).detail).toMatch(/max_cost/);
    } finally {
      await other.close();
    }
  });

  it('keeps GET /api/v1/assets/test public and 405s other methods on GAIA paths', async () => {
    const res = await t.app.request('/api/v1/assets/test');
    expect(res.status).toBe(200);
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['message', 'service', 'status', 'timestamp']);
    const wrong = await t.call(owner, 'PUT', '/api/v1/assets/generate', {});
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toEqual({ detail: 'Method Not Allowed' });
  });

  it('answers 403 in GAIA’s format to a caller without asset permissions, whatever the body', async () => {
    const nobody = assetUser([]);
    for (const [method, path, body] of [
      ['GET', '/api/v1/assets', undefined],
      ['POST', '/api/v1/assets/generate', { nonsense: true }],
      ['GET', `/api/v1/assets/${crypto.randomUUID()}`, undefined],
    ] as const) {
      const res = await t.call(nobody, method, path, body);
      expect(res.status, path).toBe(403);
      expect(await res.json()).toEqual({ detail: 'Not enough permissions' });
    }
    // A viewer reads but does not generate.
    const viewer = assetUser(['viewer']);
    expect((await t.call(viewer, 'GET', '/api/v1/assets')).status).toBe(200);
    expect((await t.call(viewer, 'POST', '/api/v1/assets/generate', { category: 'image', style: 'x', description: 'y' })).status).toBe(403);
  });
});
