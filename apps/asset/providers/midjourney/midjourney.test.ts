import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelMidPoll } from '../testing/cancel.ts';
import { jsonBody } from '../testing/fake-http.ts';
import { caught, generationRequest, recordingContext, testRuntime } from '../testing/generation.ts';
import { sampleFile } from '../testing/samples.ts';
import { startWebhookReceiver } from '../testing/webhook-receiver.ts';
import type { AssetProvider } from '../types.ts';
import type { MidjourneySettings } from './api.ts';
import { createMidjourneyProvider } from './index.ts';
import { type FakeMidjourneyProxy, startFakeMidjourneyProxy } from './testing/fake-midjourney-proxy.ts';
import { signedState } from './webhook.ts';

const SECRET = 'a-webhook-secret-of-32-characters';
let proxy: FakeMidjourneyProxy;
let grid: Uint8Array;
let upscaled: Uint8Array;
const provider = (overrides: Partial<MidjourneySettings> = {}, runtime: Parameters<typeof testRuntime>[0] = {}) =>
  createMidjourneyProvider({ baseUrl: proxy.origin, token: 'mj-token', runtime: testRuntime(runtime), ...overrides });
const since = (seen: number, path: RegExp) => proxy.requests.slice(seen).filter((r) => path.test(r.path));

beforeAll(async () => {
  [grid, upscaled] = await Promise.all([sampleFile('image'), sampleFile('texture')]);
  proxy = await startFakeMidjourneyProxy({ token: 'mj-token', grid, upscaled });
});
afterAll(() => proxy.close());

describe('midjourney provider (midjourney-proxy API)', () => {
  it('submits imagine, polls to SUCCESS, upscales U1 and returns the upscaled image the proxy served', async () => {
    const context = recordingContext();
    const seen = proxy.requests.length;
    const result = await provider().generate(generationRequest({ category: 'texture', description: 'mossy stones' }), context);
    const [imagine] = since(seen, /^\/mj\/submit\/imagine$/);
    const [action] = since(seen, /^\/mj\/submit\/action$/);

    expect(imagine!.headers['mj-api-secret']).toBe('mj-token');
    expect(jsonBody(imagine!)).toEqual({ prompt: 'watercolor: mossy stones --tile' });
    expect(jsonBody(action!)).toEqual({ customId: `MJ::JOB::upsample::1::hash-${result.metadata!.imagineTaskId}`, taskId: result.metadata!.imagineTaskId });
    expect(since(seen, /\/fetch$/).length).toBeGreaterThanOrEqual(4);
    expect(Buffer.from(result.files[0]!.bytes).equals(Buffer.from(upscaled))).toBe(true);
    expect(result).toMatchObject({ costUsd: 0.05, model: 'midjourney', metadata: { upscaled: true } });
    const percents = context.progress.map((p) => p.percent);
    expect(percents).toEqual(expect.arrayContaining([5, 23, 35, 65, 100]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it('wakes on the proxy’s callbacks (state signed, verified) instead of waiting out a long poll interval', async () => {
    let mj: AssetProvider;
    const receiver = await startWebhookReceiver('midjourney', () => mj);
    mj = provider({ notifyUrl: receiver.url, webhookSecret: SECRET }, { poll: { intervalMs: 60_000, timeoutMs: 120_000 } });
    const context = recordingContext({ waitForCallback: receiver.waitForCallback });
    const seen = proxy.requests.length;
    const started = performance.now();

    const result = await mj.generate(generationRequest(), context);
    const submitted = jsonBody(since(seen, /^\/mj\/submit\/imagine$/)[0]!);

    expect(performance.now() - started).toBeLessThan(5_000);
    expect(submitted).toMatchObject({ notifyHook: receiver.url, state: expect.stringMatching(/^gaia1\./) });
    expect(receiver.verified).toContain(result.metadata!.imagineTaskId);
    expect(receiver.verified).toContain(result.metadata!.taskId);
    expect(receiver.rejected).toEqual([]);
    expect(Buffer.from(result.files[0]!.bytes).equals(Buffer.from(upscaled))).toBe(true);
    await receiver.close();
  });

  it('verifies a callback only with a state it signed; forged, tampered or unsigned ones are null (401 at the route)', async () => {
    const mj = provider({ notifyUrl: 'http://unused', webhookSecret: SECRET });
    const verify = (body: unknown) => mj.webhook!.verify(new Headers(), typeof body === 'string' ? body : JSON.stringify(body));
    const good = signedState(SECRET);

    expect(verify({ id: '42', status: 'SUCCESS', state: good })).toEqual({ taskId: '42', payload: { id: '42', status: 'SUCCESS', state: good } });
    expect(verify({ id: '42', state: signedState('another-secret-of-some-length') })).toBeNull();
    expect(verify({ id: '42', state: `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}` })).toBeNull();
    expect(verify({ id: '42', state: null })).toBeNull();
    expect(verify({ id: '', state: good })).toBeNull();
    expect(verify('not json')).toBeNull();
    expect(provider().webhook).toBeUndefined();

    const receiver = await startWebhookReceiver('midjourney', () => mj);
    const forged = await fetch(receiver.url, { method: 'POST', body: JSON.stringify({ id: '42', status: 'SUCCESS', state: 'gaia1.x.y' }) });
    expect(forged.status).toBe(401);
    expect(receiver.rejected).toHaveLength(1);
    await receiver.close();
  });

  it('honours Retry-After on a 429 from the proxy, then goes on', async () => {
    proxy.override('/mj/submit/imagine', { status: 429, headers: { 'retry-after': '1' }, json: { code: 429, description: 'Too Many Requests' } });
    const seen = proxy.requests.length;
    const result = await provider().generate(generationRequest(), recordingContext());
    const [limited, retried] = since(seen, /^\/mj\/submit\/imagine$/);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(result.files[0]!.format).toBe('png');
  });

  it('fails retryable when fetching keeps answering 500, or answers too slowly', async () => {
    proxy.override('/mj/task/', { status: 500, json: { code: 9, description: 'Internal Server Error' } }, 3);
    expect(await provider().generate(generationRequest(), recordingContext()).catch(caught)).toMatchObject({
      kind: 'retryable',
      message: 'midjourney answered 500: Internal Server Error',
    });

    proxy.override('/mj/task/', { delayMs: 1_000, json: {} });
    const slow = await provider({}, { reliability: { timeoutMs: 100, maxAttempts: 1 } }).generate(generationRequest(), recordingContext()).catch(caught);
    expect(slow).toMatchObject({ kind: 'retryable', message: expect.stringMatching(/^midjourney: fetch task \d+ timed out after 100 ms$/) });
  });

  it('stops polling when the job is cancelled mid-poll', async () => {
    const slowProxy = await startFakeMidjourneyProxy({ token: 'mj-token', grid, upscaled, stepMs: 10_000 });
    const { error, requestsAfter } = await cancelMidPoll(slowProxy, 3, (context) => provider({ baseUrl: slowProxy.origin }).generate(generationRequest(), context));
    expect(error).toMatchObject({ message: 'job cancelled' });
    expect(requestsAfter).toBe(0);
    await slowProxy.close();
  });

  it('refuses a banned prompt and a task failed for its content; other failures are retryable', async () => {
    expect(await provider().generate(generationRequest({ description: 'something banned' }), recordingContext()).catch(caught)).toMatchObject({
      kind: 'refused',
      message: 'midjourney refused the prompt: may contains sensitive words',
    });
    for (const [failWith, kind] of [
      ['Banned prompt detected', 'refused'],
      ['Discord gateway did not answer', 'retryable'],
    ] as const) {
      const failing = await startFakeMidjourneyProxy({ token: 'mj-token', grid, upscaled, failWith, stepMs: 5 });
      const error = await provider({ baseUrl: failing.origin }).generate(generationRequest(), recordingContext()).catch(caught);
      expect(error).toMatchObject({ kind, message: expect.stringContaining(`failed: ${failWith}`) });
      await failing.close();
    }
    const wrongToken = await provider({ token: 'nope' }).generate(generationRequest(), recordingContext()).catch(caught);
    expect(wrongToken).toMatchObject({ kind: 'misconfigured', message: 'midjourney answered 401: Unauthorized (check MIDJOURNEY_PROXY_TOKEN)' });
  });
});

describe('midjourney provider on an older proxy', () => {
  it('keeps the grid when the proxy has no action route to upscale with', async () => {
    proxy.override('/mj/submit/action', { status: 404, json: { code: 3, description: 'Not Found' } });
    const context = recordingContext();
    const result = await provider().generate(generationRequest(), context);
    expect(Buffer.from(result.files[0]!.bytes).equals(Buffer.from(grid))).toBe(true);
    expect(result.metadata).toMatchObject({ upscaled: false });
    expect(context.logger.entries()).toContainEqual(expect.objectContaining({ msg: 'midjourney upscale not available, keeping the grid' }));
  });
});
