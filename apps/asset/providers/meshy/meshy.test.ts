import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelMidPoll } from '../testing/cancel.ts';
import { jsonBody } from '../testing/fake-http.ts';
import { caught, generationRequest, recordingContext, testRuntime } from '../testing/generation.ts';
import { sampleFile } from '../testing/samples.ts';
import { startWebhookReceiver } from '../testing/webhook-receiver.ts';
import type { AssetProvider } from '../types.ts';
import { hmacHex } from '../webhook-signature.ts';
import type { MeshySettings } from './api.ts';
import { createMeshyProvider } from './index.ts';
import { type FakeMeshy, startFakeMeshy } from './testing/fake-meshy.ts';

const SECRET = 'meshy-webhook-secret';
let fake: FakeMeshy;
let glb: Uint8Array;
let thumbnail: Uint8Array;
const provider = (overrides: Partial<MeshySettings> = {}, runtime: Parameters<typeof testRuntime>[0] = {}, origin = fake.origin) =>
  createMeshyProvider({ apiKey: 'msy-test', baseUrl: origin, runtime: testRuntime(runtime), ...overrides });
const prop = (overrides = {}) => generationRequest({ category: 'prop', style: 'low-poly', description: 'a wooden treasure chest', ...overrides });

beforeAll(async () => {
  [glb, thumbnail] = await Promise.all([sampleFile('prop'), sampleFile('image')]);
  fake = await startFakeMeshy({ apiKey: 'msy-test', glb, thumbnail });
});
afterAll(() => fake.close());

describe('meshy provider (text-to-3D)', () => {
  it('creates a preview task, polls Meshy’s progress, and returns the GLB (and thumbnail) it served', async () => {
    const seen = fake.requests.length;
    const context = recordingContext();
    const result = await provider().generate(prop({ requirements: { polygonCountMax: 5_000 } }), context);
    const [create] = fake.requests.slice(seen);

    expect(create!.headers.authorization).toBe('Bearer msy-test');
    expect(jsonBody(create!)).toEqual({ mode: 'preview', prompt: 'low-poly: a wooden treasure chest', ai_model: 'latest', should_remesh: true, topology: 'triangle', target_polycount: 5_000 });
    expect(result.files.map((f) => [f.name, f.contentType])).toEqual([
      ['model.glb', 'model/gltf-binary'],
      ['preview.png', 'image/png'],
    ]);
    expect(Buffer.from(result.files[0]!.bytes).equals(Buffer.from(glb))).toBe(true);
    expect(Buffer.from(result.files[1]!.bytes).equals(Buffer.from(thumbnail))).toBe(true);
    expect(result).toMatchObject({ costUsd: 0.4, model: 'meshy/latest', metadata: { taskId: expect.stringContaining('meshy-task'), consumedCredits: 20 } });
    const percents = context.progress.map((p) => p.percent);
    expect(percents).toEqual(expect.arrayContaining([5, 34, 58, 82, 100]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it('keeps the polycount in Meshy’s range and the prompt within 600 characters', async () => {
    const seen = fake.requests.length;
    await provider().generate(prop({ description: 'y'.repeat(700), requirements: { polygonCountMax: 12 } }), recordingContext());
    const body = jsonBody(fake.requests[seen]!);
    expect(body.target_polycount).toBe(100);
    expect(String(body.prompt)).toHaveLength(600);
  });

  it('wakes on a verified webhook delivery instead of waiting out a long poll interval', async () => {
    let meshy: AssetProvider;
    const receiver = await startWebhookReceiver('meshy', () => meshy);
    const hooked = await startFakeMeshy({ apiKey: 'msy-test', glb, thumbnail, webhook: { url: receiver.url, secret: SECRET } });
    meshy = provider({ webhookSecret: SECRET }, { poll: { intervalMs: 60_000, timeoutMs: 120_000 } }, hooked.origin);
    const started = performance.now();

    const result = await meshy.generate(prop(), recordingContext({ waitForCallback: receiver.waitForCallback }));

    expect(performance.now() - started).toBeLessThan(5_000);
    expect(receiver.verified).toContain(result.metadata!.taskId);
    expect(receiver.rejected).toEqual([]);
    expect(Buffer.from(result.files[0]!.bytes).equals(Buffer.from(glb))).toBe(true);
    await Promise.all([receiver.close(), hooked.close()]);
  });

  it('verifies deliveries by HMAC of the raw body; a wrong, missing or re-serialised signature is null', () => {
    const meshy = provider({ webhookSecret: SECRET });
    const body = '{"id":"task-1","status":"SUCCEEDED","progress":100}';
    const signed = (signature: string) => new Headers({ 'x-meshy-signature': signature });

    expect(meshy.webhook!.verify(signed(hmacHex(SECRET, body)), body)).toEqual({ taskId: 'task-1', payload: JSON.parse(body) });
    expect(meshy.webhook!.verify(signed(`sha256=${hmacHex(SECRET, body)}`), body)?.taskId).toBe('task-1');
    expect(meshy.webhook!.verify(signed(hmacHex('other-secret', body)), body)).toBeNull();
    expect(meshy.webhook!.verify(signed(hmacHex(SECRET, body)), body.replace('SUCCEEDED', 'FAILED'))).toBeNull();
    expect(meshy.webhook!.verify(signed(hmacHex(SECRET, body)), JSON.stringify(JSON.parse(body), null, 1))).toBeNull();
    expect(meshy.webhook!.verify(new Headers(), body)).toBeNull();
    expect(meshy.webhook!.verify(signed(hmacHex(SECRET, '{"status":"x"}')), '{"status":"x"}')).toBeNull();
    expect(provider().webhook).toBeUndefined();
  });

  it('honours Retry-After on 429; 500s are retried then fail; a slow answer times out', async () => {
    fake.override('/openapi/v2/text-to-3d', { status: 429, headers: { 'retry-after': '1' }, json: { message: 'Too many requests' } });
    let seen = fake.requests.length;
    await provider().generate(prop(), recordingContext());
    const [limited, retried] = fake.requests.slice(seen);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);

    fake.override('/openapi/v2/text-to-3d/', { status: 500, json: { message: 'Internal server error' } }, 3);
    seen = fake.requests.length;
    expect(await provider().generate(prop(), recordingContext()).catch(caught)).toMatchObject({ kind: 'retryable', message: 'meshy answered 500: Internal server error' });

    fake.override('/openapi/v2/text-to-3d', { delayMs: 1_000, json: {} });
    const slow = await provider({}, { reliability: { timeoutMs: 100, maxAttempts: 1 } }).generate(prop(), recordingContext()).catch(caught);
    expect(slow).toMatchObject({ kind: 'retryable', message: 'meshy: create text-to-3d task timed out after 100 ms' });
  });

  it('stops polling when the job is cancelled mid-poll', async () => {
    const slowFake = await startFakeMeshy({ apiKey: 'msy-test', glb, thumbnail, stepMs: 10_000 });
    const { error, requestsAfter } = await cancelMidPoll(slowFake, 2, (context) => provider({}, {}, slowFake.origin).generate(prop(), context));
    expect(error).toMatchObject({ message: 'job cancelled' });
    expect(requestsAfter).toBe(0);
    await slowFake.close();
  });

  it('classifies failures: out of credits and bad keys are misconfigured, moderation refused, other task failures retryable', async () => {
    fake.override('/openapi/v2/text-to-3d', { status: 402, json: { message: 'Insufficient credits' } });
    expect(await provider().generate(prop(), recordingContext()).catch(caught)).toMatchObject({ kind: 'misconfigured', message: 'meshy answered 402: Insufficient credits (check the account’s plan or credits)' });
    expect(await provider({ apiKey: 'wrong' }).generate(prop(), recordingContext()).catch(caught)).toMatchObject({ kind: 'misconfigured', message: 'meshy answered 401: Invalid API key (check MESHY_API_KEY)' });

    for (const [failWith, kind] of [
      ['The prompt violates our content moderation policy', 'refused'],
      ['Internal error, please retry', 'retryable'],
    ] as const) {
      const failing = await startFakeMeshy({ apiKey: 'msy-test', glb, thumbnail, failWith, stepMs: 5 });
      expect(await provider({}, {}, failing.origin).generate(prop(), recordingContext()).catch(caught)).toMatchObject({ kind, message: expect.stringContaining(`failed: ${failWith}`) });
      await failing.close();
    }
  });
});
