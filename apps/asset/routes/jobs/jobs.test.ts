import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSse } from '../../../../lib/sse/sse.ts';
import { eventually } from '../../../../lib/testing/async.ts';
import { dbBackends } from '../../../../lib/testing/db.ts';
import type { JobEvent } from '../../service/events.ts';
import { type AssetTestApp, assetUser, createAssetTestApp, type SharedAssetBackend, settledJob, sharedAssetBackend } from '../../testing/asset-app.ts';
import { createTestProvider, testPng } from '../../testing/test-provider.ts';
import type { JobView } from '../../views/job-view.ts';

const request = (description: string, extra: Record<string, unknown> = {}) => ({ category: 'image', style: 'ink', description, ...extra });

async function events(res: Response): Promise<JobEvent[]> {
  const out: JobEvent[] = [];
  for await (const event of parseSse(res.body as ReadableStream<Uint8Array>)) out.push(JSON.parse(event.data) as JobEvent);
  return out;
}

describe.each(dbBackends())('asset jobs API ($name)', ({ create: createDb }) => {
  let shared: SharedAssetBackend;
  let t: AssetTestApp;
  const owner = assetUser();
  const admin = assetUser(['admin']);
  const stranger = assetUser();

  beforeAll(async () => {
    shared = await sharedAssetBackend({ db: await createDb() });
    t = await createAssetTestApp({
      shared,
      providers: [createTestProvider({ steps: 4, stepMs: 30, costUsd: 0.01 })],
      // A thumbnail for images: the file itself, made smaller.
      previews: async (file, kind) => (kind === 'image' || kind === 'texture' ? { ...file, name: 'preview.png', bytes: testPng('preview', 8) } : null),
    });
  });
  afterAll(async () => {
    await t.close();
    await shared.close();
    await shared.db.close();
  });

  const create = async (body: unknown, who = owner) => {
    const res = await t.call(who, 'POST', '/api/v1/assets/jobs', body);
    expect(res.status, await res.clone().text()).toBe(202);
    expect(res.headers.get('location')).toMatch(/^\/api\/v1\/assets\/jobs\/[0-9a-f-]{36}$/);
    return (await res.json()) as JobView;
  };
  const done = (id: string, who = owner) => settledJob(t, who, id);

  it('creates a job (202 queued), runs it, and reports its result, cost and files', async () => {
    const job = await create(request('a crane in flight', { session_id: 's-1' }));
    expect(job.state).toBe('queued');
    expect(job.provider).toBe('test');
    expect(job.max_attempts).toBe(2);
    const finished = await done(job.id);
    expect(finished).toMatchObject({ state: 'succeeded', progress: 100, attempts: 1, cost: 0.01, source: 'generated', session_id: 's-1', error: null });
    expect(finished.asset?.files).toEqual([{ name: 'image.png', content_type: 'image/png', format: 'png', size_bytes: expect.any(Number) }]);
    expect(finished.asset?.preview_url).toBe(`/api/v1/assets/${finished.asset_id}/preview`);
    const preview = await t.call(owner, 'GET', finished.asset?.preview_url as string);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/png');
    const download = await t.call(owner, 'GET', `${finished.asset?.download_url}?disposition=inline`);
    expect(download.headers.get('content-disposition')).toBe('inline; filename="image.png"');
    expect(Number(download.headers.get('content-length'))).toBe(finished.asset?.size_bytes);
    expect((await t.call(owner, 'GET', `${finished.asset?.download_url}?file=nope.png`)).status).toBe(404);
  });

  it('streams progress, state changes and the result over SSE; a late subscriber gets the current state first', async () => {
    const job = await create(request('a koi pond'));
    const live = await events(await t.call(owner, 'GET', `/api/v1/assets/jobs/${job.id}/events`));
    const types = live.map((e) => `${e.type}:${e.job.state}`);
    expect(types[0]).toMatch(/^(state:queued|state:running|progress:running)$/);
    expect(types).toContain('progress:running');
    expect(types.at(-1)).toBe('result:succeeded');
    const progress = live.filter((e) => e.type === 'progress').map((e) => e.job.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(live.at(-1)?.job.asset?.download_url).toMatch(/\/download$/);
    const late = await events(await t.call(owner, 'GET', `/api/v1/assets/jobs/${job.id}/events`));
    expect(late.map((e) => `${e.type}:${e.job.state}`)).toEqual(['result:succeeded']);
    expect((await t.call(stranger, 'GET', `/api/v1/assets/jobs/${job.id}/events`)).status).toBe(404);
  });

  it('sends a heartbeat while a job is silent', async () => {
    // Alone on its own backend: the suite's instance would otherwise take the job and finish it.
    const quiet = await createAssetTestApp({ providers: [createTestProvider({ hang: true })] });
    try {
      const job = (await (await quiet.call(owner, 'POST', '/api/v1/assets/jobs', request('a silent film'))).json()) as JobView;
      const controller = new AbortController();
      const res = await quiet.app.request(`/api/v1/assets/jobs/${job.id}/events`, { headers: await quiet.as(owner), signal: controller.signal });
      const types: string[] = [];
      for await (const event of parseSse(res.body as ReadableStream<Uint8Array>)) {
        types.push((JSON.parse(event.data) as JobEvent).type);
        if (types.includes('heartbeat')) break;
      }
      controller.abort();
      expect(types.at(-1)).toBe('heartbeat');
      expect(types.filter((t) => t === 'heartbeat')).toHaveLength(1);
    } finally {
      await quiet.close();
    }
  });

  it('delivers events from the instance that runs the job to a stream on another', async () => {
    const b = await createAssetTestApp({ shared, providers: [createTestProvider()], behaviour: { queue: { workers: 0 } } });
    try {
      const job = await create(request('a paper boat'));
      const seen = await events(await b.call(owner, 'GET', `/api/v1/assets/jobs/${job.id}/events`));
      expect(seen.at(-1)?.type).toBe('result');
    } finally {
      await b.close();
    }
  });

  it('lists jobs newest first with a cursor, filtered by state and category; admins may list everyone’s', async () => {
    const other = assetUser();
    const made: JobView[] = [];
    for (const word of ['one', 'two', 'three', 'four', 'five']) made.push(await create(request(`lantern ${word}`), other));
    await create({ category: 'audio', style: 'lofi', description: 'a rainy loop' }, other);
    for (const job of made) await done(job.id, other);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2&category=image${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await t.call(other, 'GET', `/api/v1/assets/jobs${query}`)).json()) as { jobs: JobView[]; next_cursor: string | null };
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(made.map((j) => j.id).reverse());
    const succeeded = (await (await t.call(other, 'GET', '/api/v1/assets/jobs?state=succeeded&category=image')).json()) as { jobs: JobView[] };
    expect(succeeded.jobs.length).toBe(5);
    expect(succeeded.jobs.every((j) => j.asset?.id === j.asset_id)).toBe(true);
    expect((await t.call(other, 'GET', '/api/v1/assets/jobs?state=bogus')).status).toBe(400);
    expect((await t.call(other, 'GET', '/api/v1/assets/jobs?cursor=garbage')).status).toBe(400);
    expect((await t.call(other, 'GET', '/api/v1/assets/jobs?scope=all')).status).toBe(403);
    const all = (await (await t.call(admin, 'GET', '/api/v1/assets/jobs?scope=all&limit=100')).json()) as { jobs: JobView[] };
    expect(all.jobs.some((j) => j.id === made[0]?.id)).toBe(true);
    expect((await t.call(admin, 'GET', `/api/v1/assets/jobs/${made[0]?.id}`)).status).toBe(200);
    expect((await t.call(stranger, 'GET', `/api/v1/assets/jobs/${made[0]?.id}`)).status).toBe(404);
  });

  it('joins a request already running for the caller instead of starting it twice', async () => {
    const [a, b] = await Promise.all([create(request('a twin star')), create(request('a twin star'))]);
    expect(a.id).toBe(b.id);
  });

  it('refuses an unknown provider override (400) and a missing field (400 envelope)', async () => {
    const res = await t.call(owner, 'POST', '/api/v1/assets/jobs', request('a map', { provider: 'nope' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string; message: string } }).error.message).toMatch(/Provider "nope"/);
    const invalid = await t.call(owner, 'POST', '/api/v1/assets/jobs', { style: 'x' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it('shares a public asset with other users’ matching requests; deleting one record keeps files the other uses', async () => {
    const made = await done((await create(request('a glass hummingbird', { visibility: 'public' }))).id);
    const reuser = assetUser();
    const reused = await create(request('hummingbird of glass'), reuser);
    expect(reused).toMatchObject({ state: 'succeeded', source: 'database', cost: 0 });
    expect(reused.asset_id).not.toBe(made.asset_id);
    const file = join(shared.dir, owner.userId, made.asset_id as string, 'image.png');
    expect(existsSync(file)).toBe(true);
    expect((await t.call(owner, 'DELETE', `/api/v1/assets/${made.asset_id}`)).status).toBe(204);
    expect(existsSync(file)).toBe(true);
    expect((await t.call(reuser, 'GET', `/api/v1/assets/${reused.asset_id}/download`)).status).toBe(200);
    expect((await t.call(reuser, 'DELETE', `/api/v1/assets/${reused.asset_id}`)).status).toBe(204);
    expect(existsSync(file)).toBe(false);
    const gone = await t.call(reuser, 'DELETE', `/api/v1/assets/${reused.asset_id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('never serves a provider’s file as a page of the gateway’s origin (HTML or SVG stay attachments, under a sandbox CSP)', async () => {
    const made = await done((await create(request('a harmless sticker'))).id);
    const key = `${owner.userId}/${made.asset_id}/image.png`;
    await t.deps.core.blobs.put(key, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image/svg+xml');
    const res = await t.call(owner, 'GET', `/api/v1/assets/${made.asset_id}/download?disposition=inline`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="image.png"');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lets the owner and admins delete an asset, nobody else; a viewer cannot', async () => {
    const made = await done((await create(request('a jade frog'))).id);
    expect((await t.call(stranger, 'DELETE', `/api/v1/assets/${made.asset_id}`)).status).toBe(404);
    expect((await t.call(assetUser(['viewer'], owner.userId), 'DELETE', `/api/v1/assets/${made.asset_id}`)).status).toBe(403);
    expect((await t.call(admin, 'DELETE', `/api/v1/assets/${made.asset_id}`)).status).toBe(204);
    expect((await t.call(owner, 'GET', `/api/v1/assets/${made.asset_id}/download`)).status).toBe(404);
  });

  it('reports the caller’s budget: limit, spent, reserved and when each resets', async () => {
    const res = await t.call(owner, 'GET', '/api/v1/assets/budget');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { daily: Record<string, number | string>; monthly: Record<string, number | string> };
    expect(Object.keys(body.daily).sort()).toEqual(['limit', 'remaining', 'reserved', 'resets_at', 'spent']);
    expect(body.daily.limit).toBe(5);
    expect(body.daily.spent).toBeGreaterThan(0);
    expect(String(body.monthly.resets_at)).toMatch(/-01T00:00:00\.000Z$/);
  });
});

describe('asset budgets through the jobs API', () => {
  it('lets concurrent requests reserve only what the budget allows, releases on cancel, and settles to the actual cost', async () => {
    const provider = createTestProvider({ hang: true, estimateUsd: 2, costUsd: 1.5 });
    const t = await createAssetTestApp({ providers: [provider], behaviour: { budgets: { dailyMicros: 5_000_000, monthlyMicros: 50_000_000 } } });
    try {
      const owner = assetUser();
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => t.call(owner, 'POST', '/api/v1/assets/jobs', request(`a banner number ${i}`))),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([202, 202, 402, 402, 402, 402]);
      const refusal = (await answers.find((r) => r.status === 402)?.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
      expect(refusal.error.code).toBe('BUDGET_EXCEEDED');
      expect(refusal.error.details).toMatchObject({ budget: 'daily', limit_usd: 5, used_usd: 4, requested_usd: 2 });
      expect(String(refusal.error.details.resets_at)).toMatch(/T00:00:00\.000Z$/);
      expect(refusal.error.message).toMatch(/daily asset budget.*resets at/);
      const accepted = (await Promise.all(answers.filter((r) => r.status === 202).map((r) => r.json()))) as JobView[];
      expect((await t.call(owner, 'POST', `/api/v1/assets/jobs/${accepted[0]?.id}/cancel`)).status).toBe(200);
      const budget = async () => ((await (await t.call(owner, 'GET', '/api/v1/assets/budget')).json()) as { daily: { reserved: number; spent: number } }).daily;
      expect(await budget()).toMatchObject({ reserved: 2, spent: 0 });
      expect((await t.call(owner, 'POST', '/api/v1/assets/jobs', request('a banner again'))).status).toBe(202);
    } finally {
      await t.close();
    }
    const paying = createTestProvider({ estimateUsd: 2, costUsd: 1.5 });
    const u = await createAssetTestApp({ providers: [paying] });
    try {
      const owner = assetUser();
      const job = (await (await u.call(owner, 'POST', '/api/v1/assets/jobs', request('a paid banner'))).json()) as JobView;
      await eventually(async () => (await u.deps.core.jobs.get(u.deps.core.db, job.id))?.state === 'succeeded', 10_000);
      const daily = ((await (await u.call(owner, 'GET', '/api/v1/assets/budget')).json()) as { daily: { reserved: number; spent: number } }).daily;
      expect(daily).toMatchObject({ reserved: 0, spent: 1.5 });
    } finally {
      await u.close();
    }
  });

  it('releases the reservation of a job that failed', async () => {
    const provider = createTestProvider({ estimateUsd: 1, failures: ['refused'] });
    const t = await createAssetTestApp({ providers: [provider] });
    try {
      const owner = assetUser();
      const job = (await (await t.call(owner, 'POST', '/api/v1/assets/jobs', request('a refused banner'))).json()) as JobView;
      await eventually(async () => (await t.deps.core.jobs.get(t.deps.core.db, job.id))?.state === 'failed', 10_000);
      const view = (await (await t.call(owner, 'GET', `/api/v1/assets/jobs/${job.id}`)).json()) as JobView;
      expect(view.error).toEqual({
        code: 'generation_refused',
        message: 'the generator refused the request: the generator says: scripted refused failure',
        detail: 'test says: scripted refused failure',
      });
      const daily = ((await (await t.call(owner, 'GET', '/api/v1/assets/budget')).json()) as { daily: { reserved: number; spent: number } }).daily;
      expect(daily).toMatchObject({ reserved: 0, spent: 0 });
    } finally {
      await t.close();
    }
  });

  it('retries a retryable failure (attempt 2 succeeds) and fails for good after the last attempt', async () => {
    const flaky = createTestProvider({ failures: ['retryable'] });
    const t = await createAssetTestApp({ providers: [flaky] });
    try {
      const owner = assetUser();
      const job = (await (await t.call(owner, 'POST', '/api/v1/assets/jobs', request('a flaky banner'))).json()) as JobView;
      await eventually(async () => (await t.deps.core.jobs.get(t.deps.core.db, job.id))?.state === 'succeeded', 10_000);
      expect((await t.deps.core.jobs.get(t.deps.core.db, job.id))?.attempt).toBe(2);
      const broken = createTestProvider({ failures: ['retryable', 'retryable', 'retryable'] });
      const u = await createAssetTestApp({ providers: [broken] });
      try {
        const failing = (await (await u.call(owner, 'POST', '/api/v1/assets/jobs', request('a broken banner'))).json()) as JobView;
        await eventually(async () => (await u.deps.core.jobs.get(u.deps.core.db, failing.id))?.state === 'failed', 10_000);
        const row = await u.deps.core.jobs.get(u.deps.core.db, failing.id);
        expect(row).toMatchObject({ attempt: 2, errorCode: 'generation_unavailable', error: 'the generator was unavailable (after 2 attempts)' });
        expect(broken.calls.length).toBe(2);
      } finally {
        await u.close();
      }
    } finally {
      await t.close();
    }
  });
});

describe('provider webhooks', () => {
  it('verifies the signature and hands the payload to the waiting job on another instance', async () => {
    const shared = await sharedAssetBackend();
    const secret = 'hook-secret';
    const runner = await createAssetTestApp({ shared, providers: [createTestProvider({ webhookSecret: secret })] });
    const receiver = await createAssetTestApp({ shared, providers: [createTestProvider({ webhookSecret: secret })], behaviour: { queue: { workers: 0 } } });
    try {
      const owner = assetUser();
      const job = (await (await runner.call(owner, 'POST', '/api/v1/assets/jobs', request('a kite'))).json()) as JobView;
      await eventually(async () => (await runner.deps.core.jobs.get(runner.deps.core.db, job.id))?.state === 'running', 5_000);
      const row = await runner.deps.core.jobs.get(runner.deps.core.db, job.id);
      const raw = JSON.stringify({ task_id: `task-${row?.requestHash.slice(0, 16)}`, status: 'SUCCEEDED' });
      const post = (headers: Record<string, string>, provider = 'test') =>
        receiver.app.request(`/api/v1/assets/webhooks/${provider}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
      const forged = await post({ 'x-test-signature': 'wrong' });
      expect(forged.status).toBe(401);
      expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      expect((await post({ 'x-test-signature': `${secret}:${raw.length}` }, 'unknown')).status).toBe(404);
      const delivered = await post({ 'x-test-signature': `${secret}:${raw.length}` });
      expect(delivered.status).toBe(200);
      expect(await delivered.json()).toEqual({ received: true });
      await eventually(async () => (await runner.deps.core.jobs.get(runner.deps.core.db, job.id))?.state === 'succeeded', 5_000);
    } finally {
      await runner.close();
      await receiver.close();
      await shared.close();
    }
  });
});
