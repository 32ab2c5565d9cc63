import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AssetTestApp, assetUser, createAssetTestApp } from '../testing/asset-app.ts';
import { createTestProvider } from '../testing/test-provider.ts';
import type { JobView } from '../views/job-view.ts';
import { type JobEvent, publishJob } from './events.ts';
import { watchJob } from './watch.ts';

describe('watchJob', () => {
  let t: AssetTestApp;
  const owner = assetUser();
  beforeAll(async () => {
    t = await createAssetTestApp({ providers: [createTestProvider()], behaviour: { queue: { workers: 0 }, heartbeatMs: 60_000 } });
  });
  afterAll(() => t.close());

  it('sends news once when it is heard on the KV and then seen in the database', async () => {
    const job = (await (await t.call(owner, 'POST', '/api/v1/assets/jobs', { category: 'image', style: 'x', description: 'a quiet pond' })).json()) as JobView;
    const { core } = t.deps;
    const seen: JobEvent[] = [];
    const watching = (async () => {
      for await (const event of watchJob(core, job.id)) seen.push(event);
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The job as it is, published again (as a worker's progress write would be): no news.
    const row = await core.jobs.get(core.db, job.id);
    await publishJob(core, 'progress', row!);
    // Let the watcher's database poll (every second) see the same row.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    await t.call(owner, 'POST', `/api/v1/assets/jobs/${job.id}/cancel`);
    await watching;
    expect(seen.map((e) => `${e.type}:${e.job.state}`)).toEqual(['state:queued', 'state:cancelled']);
  });
});
