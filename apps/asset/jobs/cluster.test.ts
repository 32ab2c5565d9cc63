import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisKv } from '../../../lib/kv/redis.ts';
import { parseSse } from '../../../lib/sse/sse.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { deleteKvPrefix, uniqueKvPrefix } from '../../../lib/testing/kv.ts';
import { deferred, eventually } from '../../../lib/testing/async.ts';
import { type AssetTestApp, assetUser, createAssetTestApp, type SharedAssetBackend, sharedAssetBackend } from '../testing/asset-app.ts';
import { createTestProvider, type TestProvider } from '../testing/test-provider.ts';
import type { JobRecord } from '../store/jobs.ts';
import type { JobView } from '../views/job-view.ts';

/**
 * Two asset instances over one database and KV — two apps, each with its own pg-boss workers — as two processes
 * would be: jobs run once, a killed instance's job is retried after its lease, cancels reach the worker wherever it
 * runs, and a restart or a graceful shutdown loses nothing. On PGlite and (with DATABASE_URL) PostgreSQL.
 */
describe.each(dbBackends())('asset queue across instances ($name)', ({ create }) => {
  let shared: SharedAssetBackend;
  const apps: AssetTestApp[] = [];
  const user = assetUser();

  const instance = async (provider: TestProvider, behaviour: Parameters<typeof createAssetTestApp>[0] = {}) => {
    const t = await createAssetTestApp({ shared, providers: [provider], ...behaviour });
    apps.push(t);
    return t;
  };
  const submit = async (t: AssetTestApp, description: string, extra: Record<string, unknown> = {}) => {
    const res = await t.call(user, 'POST', '/api/v1/assets/jobs', { category: 'image', style: 'flat', description, ...extra });
    expect(res.status, await res.clone().text()).toBe(202);
    return (await res.json()) as JobView;
  };
  const jobOf = async (t: AssetTestApp, id: string) => (await t.deps.core.jobs.get(t.deps.core.db, id)) as JobRecord;
  const settled = (t: AssetTestApp, id: string, state: JobRecord['state'], timeoutMs = 15_000) =>
    eventually(async () => (await jobOf(t, id)).state === state, timeoutMs, `job ${id} to be ${state}`);

  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close();
    await shared.close();
  });

  it('runs every job once, spread over both instances', async () => {
    shared = await sharedAssetBackend({ db: await create() });
    const [pa, pb] = [createTestProvider({ stepMs: 5 }), createTestProvider({ stepMs: 5 })];
    const [a, b] = [await instance(pa), await instance(pb)];
    const jobs = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(i % 2 ? a : b, `crate number ${i}`)));
    for (const job of jobs) await settled(a, job.id, 'succeeded');
    const runs = [...pa.calls, ...pb.calls];
    expect(runs.length).toBe(20);
    expect(new Set(runs.map((r) => r.seed)).size).toBe(20);
    const rows = await Promise.all(jobs.map((j) => jobOf(a, j.id)));
    expect(rows.every((r) => r.attempt === 1 && r.assetId !== null)).toBe(true);
    const assets = await a.deps.core.assets.list(a.deps.core.db, user.userId, 100, 0);
    expect(assets.total).toBe(20);
    const latencies = rows.map((r) => (r.startedAt as Date).getTime() - r.createdAt.getTime()).sort((x, y) => x - y);
    console.info(
      `queue latency (enqueue → start) over 20 jobs: p50 ${latencies[10]} ms, max ${latencies[19]} ms; runs on a: ${pa.calls.length}, on b: ${pb.calls.length}`,
    );
  });

  it('retries a killed instance’s job on the other one after its lease', async () => {
    shared = await sharedAssetBackend({ db: await create() });
    const lease = { queue: { leaseSeconds: 2 } };
    const hung = createTestProvider({ hang: true });
    const a = await instance(hung, { behaviour: lease });
    const started = hung.started();
    const job = await submit(a, 'a lantern');
    await started;
    const survivor = createTestProvider();
    const b = await instance(survivor, { behaviour: lease });
    const killedAt = Date.now();
    await a.kill();
    await settled(b, job.id, 'succeeded', 20_000);
    const row = await jobOf(b, job.id);
    expect(row.attempt).toBe(2);
    expect(survivor.calls.map((c) => c.outcome)).toEqual(['done']);
    expect(hung.calls.map((c) => c.outcome)).toEqual(['aborted']);
    expect((await b.deps.core.assets.list(b.deps.core.db, user.userId, 10, 0)).total).toBe(1);
    console.info(`job of a killed instance finished on the other after ${Date.now() - killedAt} ms (lease 2 s)`);
  });

  it('writes a result only from the attempt that owns the job (a late worker’s files are removed)', async () => {
    shared = await sharedAssetBackend({ db: await create() });
    const hold = deferred();
    const slow = createTestProvider({ holdFirst: hold.promise });
    // No periodic ownership check: the late worker learns it lost only from its guarded write.
    const a = await instance(slow, { behaviour: { cancelCheckMs: 60_000 } });
    const started = slow.started();
    const job = await submit(a, 'a weathervane');
    await started;
    // Another worker takes the job over (as after an expired lease): attempt 2.
    const retaken = await a.deps.core.jobs.start(a.deps.core.db, job.id);
    expect(retaken?.attempt).toBe(2);
    hold.resolve();
    await eventually(() => a.logger.lines.some((l) => l.includes('result discarded')), 5_000, 'the late result to be discarded');
    const row = await jobOf(a, job.id);
    expect(row.state).toBe('running');
    expect(row.attempt).toBe(2);
    expect(row.assetId).toBeNull();
    expect((await a.deps.core.assets.list(a.deps.core.db, user.userId, 10, 0)).total).toBe(0);
    expect(readdirSync(shared.dir, { recursive: true }).filter((f) => String(f).endsWith('.png'))).toEqual([]);
  });

  it('cancels a queued job (it never runs) and a running one on the other instance (its signal fires within a second)', async () => {
    shared = await sharedAssetBackend({ db: await create() });
    const hung = createTestProvider({ hang: true });
    const a = await instance(hung, { behaviour: { queue: { workers: 1 } } });
    const b = await instance(createTestProvider(), { behaviour: { queue: { workers: 0 } } });
    const started = hung.started();
    const running = await submit(a, 'a spinning top');
    await started;
    const queued = await submit(a, 'a music box');
    const cancelQueued = await b.call(user, 'POST', `/api/v1/assets/jobs/${queued.id}/cancel`);
    expect(cancelQueued.status).toBe(200);
    expect(((await cancelQueued.json()) as JobView).state).toBe('cancelled');

    const cancelledAt = Date.now();
    const cancelRunning = await b.call(user, 'POST', `/api/v1/assets/jobs/${running.id}/cancel`);
    expect(cancelRunning.status).toBe(200);
    await eventually(() => hung.calls[0]?.outcome === 'aborted', 1_000, 'the running provider call to be aborted');
    console.info(`cancel → provider signal on the other instance: ${Date.now() - cancelledAt} ms`);
    expect(hung.calls[0]?.abortReason).toBe('cancelled');
    // The worker is free again; the cancelled queued job must not start.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(hung.calls.length).toBe(1);
    expect((await jobOf(a, queued.id)).state).toBe('cancelled');
    expect((await jobOf(a, running.id)).state).toBe('cancelled');
    const again = await b.call(user, 'POST', `/api/v1/assets/jobs/${running.id}/cancel`);
    expect(again.status).toBe(409);
  });

  it('stops a cancelled job whose KV message was lost, by its periodic check', async () => {
    shared = await sharedAssetBackend({ db: await create() });
    const hung = createTestProvider({ hang: true });
    const a = await instance(hung);
    const started = hung.started();
    const job = await submit(a, 'a paper lantern');
    await started;
    // Cancelled straight in the database: no KV message at all.
    await a.deps.core.db.transaction((tx) => a.deps.core.jobs.cancel(tx, job.id));
    const took = await eventually(() => hung.calls[0]?.outcome === 'aborted', 1_500, 'the periodic check to abort the run');
    expect(hung.calls[0]?.abortReason).toBe('lost');
    console.info(`cancel without a KV message → provider signal: ${took} ms (check every 250 ms)`);
  });

  it('loses nothing across a restart: jobs queued on a stopped instance run on the next', async () => {
    shared = await sharedAssetBackend({ db: await create() });
    const a = await instance(createTestProvider(), { behaviour: { queue: { workers: 0 } } });
    const jobs = [await submit(a, 'a compass'), await submit(a, 'a sextant'), await submit(a, 'a telescope')];
    await a.close();
    apps.splice(apps.indexOf(a), 1);
    const next = createTestProvider();
    const b = await instance(next);
    for (const job of jobs) await settled(b, job.id, 'succeeded');
    expect(next.calls.length).toBe(3);
  });

  it('hands a running job back to the queue on a graceful shutdown; another instance finishes it', async () => {
    shared = await sharedAssetBackend({ db: await create() });
    const hung = createTestProvider({ hang: true });
    const a = await instance(hung);
    const started = hung.started();
    const job = await submit(a, 'a pocket watch');
    await started;
    const other = createTestProvider();
    const b = await instance(other);
    const closing = Date.now();
    await a.close();
    apps.splice(apps.indexOf(a), 1);
    expect(Date.now() - closing).toBeLessThan(3_500);
    expect(hung.calls[0]?.abortReason).toBe('shutdown');
    await settled(b, job.id, 'succeeded');
    const row = await jobOf(b, job.id);
    expect(row.attempt).toBe(2);
    expect(row.errorCode).toBeNull();
    expect(other.calls.length).toBe(1);
  });
});

/** The same across instances that each have their own Redis connection, as separate processes do. */
describe.runIf(process.env.REDIS_URL)('asset instances over Redis', () => {
  it('cancels a job running on one instance from another, and streams its events there', async () => {
    const url = process.env.REDIS_URL as string;
    const prefix = uniqueKvPrefix('asset');
    const [kvA, kvB] = [createRedisKv(url, { keyPrefix: prefix }), createRedisKv(url, { keyPrefix: prefix })];
    const shared = await sharedAssetBackend({ kv: kvA });
    const hung = createTestProvider({ hang: true });
    const a = await createAssetTestApp({ shared, kv: kvA, providers: [hung] });
    const b = await createAssetTestApp({ shared, kv: kvB, providers: [createTestProvider()], behaviour: { queue: { workers: 0 }, cancelCheckMs: 60_000 } });
    try {
      const user = assetUser();
      const started = hung.started();
      const job = (await (await a.call(user, 'POST', '/api/v1/assets/jobs', { category: 'image', style: 'x', description: 'a red kite' })).json()) as JobView;
      await started;
      const stream = await b.call(user, 'GET', `/api/v1/assets/jobs/${job.id}/events`);
      const events = (async () => {
        const types: string[] = [];
        for await (const event of parseSse(stream.body as ReadableStream<Uint8Array>)) types.push(JSON.parse(event.data).job.state);
        return types;
      })();
      const at = Date.now();
      expect((await b.call(user, 'POST', `/api/v1/assets/jobs/${job.id}/cancel`)).status).toBe(200);
      await eventually(() => hung.calls[0]?.outcome === 'aborted', 1_000, 'the cancel to reach the other instance over Redis');
      console.info(`cancel over Redis → provider signal on the other instance: ${Date.now() - at} ms`);
      expect((await events).at(-1)).toBe('cancelled');
    } finally {
      await a.close();
      await b.close();
      await shared.close();
      await Promise.all([kvA.close(), kvB.close()]);
      await deleteKvPrefix(url, prefix);
    }
  });
});
