import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createApiKey, jsonRequest, signUp, type TestUser } from '../apps/gateway/auth/testing.ts';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { parseSse } from '../lib/sse/sse.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/**
 * The asset service as the public sees it, in the platform `npm start` builds: through the gateway, with real
 * sign-ups, the offline local provider and local storage — GAIA's routes in GAIA's format, ours in the envelope.
 */
describe('assets through the gateway', () => {
  let runtime: TestRuntime;
  let platform: PlatformApps;
  let ada: TestUser;
  let bob: TestUser;
  const gw = (path: string, init?: RequestInit) => platform.gateway.request(path, init);

  beforeAll(async () => {
    runtime = await createTestRuntime();
    platform = await buildTestPlatform(runtime);
    await platform.started;
    [ada, bob] = [await signUp(platform.gateway), await signUp(platform.gateway)];
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
    await runtime.close();
  });

  it('generates with the local provider (GAIA generate), lists it, and downloads a real file with the owner’s rights', async () => {
    const res = await gw('/api/v1/assets/generate', jsonRequest('POST', { category: 'character', style: 'low-poly', description: 'a friendly robot' }, bearer(ada)));
    expect(res.status).toBe(200);
    const asset = (await res.json()) as { asset_id: string; source: string; asset_data: { download_url: string; preview_image_url: string | null; file_format: string } };
    expect(asset.source).toBe('generated');
    expect(asset.asset_data.file_format).toBe('glb');
    const file = await gw(asset.asset_data.download_url, { headers: bearer(ada) });
    expect(file.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await file.arrayBuffer()).slice(0, 4))).toBe('glTF');
    expect(asset.asset_data.preview_image_url).not.toBeNull();
    const preview = await gw(asset.asset_data.preview_image_url as string, { headers: bearer(ada) });
    expect(preview.headers.get('content-type')).toBe('image/png');
    expect((await gw(asset.asset_data.download_url, { headers: bearer(bob) })).status).toBe(404);
    const list = (await (await gw('/api/v1/assets', { headers: bearer(ada) })).json()) as { total: number };
    expect(list.total).toBe(1);
    const byKey = await createApiKey(platform.gateway, ada);
    const again = await gw(`/api/v1/assets/${asset.asset_id}`, { headers: { 'x-api-key': byKey.key } });
    expect(again.status).toBe(200);
    expect((await gw(`/api/v1/assets/${asset.asset_id}`, { headers: bearer(bob) })).status).toBe(404);
  });

  it('runs a job and streams its events over SSE through the gateway', async () => {
    const created = await gw('/api/v1/assets/jobs', jsonRequest('POST', { category: 'audio', style: 'chiptune', description: 'a victory fanfare' }, bearer(ada)));
    expect(created.status).toBe(202);
    const job = (await created.json()) as { id: string };
    const stream = await gw(`/api/v1/assets/jobs/${job.id}/events`, { headers: bearer(ada) });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: { type: string; job: { state: string; asset: { file_format: string } | null } }[] = [];
    for await (const event of parseSse(stream.body as ReadableStream<Uint8Array>)) events.push(JSON.parse(event.data));
    expect(events.at(-1)).toMatchObject({ type: 'result', job: { state: 'succeeded', asset: { file_format: 'wav' } } });
  });

  it('refuses without credentials in each route’s own format', async () => {
    const gaia = await gw('/api/v1/assets');
    expect(gaia.status).toBe(401);
    expect(Object.keys((await gaia.json()) as object)).toEqual(['detail']);
    for (const [method, path] of [
      ['GET', '/api/v1/assets/jobs'],
      ['DELETE', `/api/v1/assets/${crypto.randomUUID()}`],
      ['GET', `/api/v1/assets/${crypto.randomUUID()}/download`],
    ]) {
      const res = await gw(path as string, { method });
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error?: { code: string } }).error?.code, path).toBe('UNAUTHENTICATED');
    }
    const test = await gw('/api/v1/assets/test');
    expect(test.status).toBe(200);
    // The webhook route is public at the gateway; the provider's signature is what the service checks.
    const hook = await gw('/api/v1/assets/webhooks/meshy', jsonRequest('POST', { task_id: 'x' }));
    expect(hook.status).toBe(404);
  });
});
