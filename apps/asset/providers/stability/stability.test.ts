import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, formFields } from '../testing/fake-http.ts';
import { caught, generationRequest, recordingContext, testRuntime } from '../testing/generation.ts';
import { sampleFile } from '../testing/samples.ts';
import { createStabilityProvider } from './index.ts';
import { stabilityError, startFakeStability } from './testing/fake-stability.ts';

let fake: FakeServer;
let png: Uint8Array;
const provider = (overrides: Parameters<typeof testRuntime>[0] = {}, model?: string) =>
  createStabilityProvider({ apiKey: 'sk-stability', baseUrl: `${fake.origin}/`, runtime: testRuntime(overrides), ...(model ? { model } : {}) });

beforeAll(async () => {
  png = await sampleFile('texture');
  fake = await startFakeStability({ apiKey: 'sk-stability', image: png });
});
afterAll(() => fake.close());

describe('stability provider', () => {
  it('posts a multipart form to generate/core with Accept image/* and returns the bytes it sent', async () => {
    const seen = fake.requests.length;
    const context = recordingContext();
    const result = await provider().generate(generationRequest({ category: 'texture', description: 'mossy cobblestones' }), context);
    const sent = fake.requests[seen]!;
    const fields = await formFields(sent);

    expect(sent.path).toBe('/v2beta/stable-image/generate/core');
    expect(sent.headers).toMatchObject({ authorization: 'Bearer sk-stability', accept: 'image/*' });
    expect(String(sent.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(fields).toEqual({ prompt: 'watercolor: mossy cobblestones', output_format: 'png', aspect_ratio: '1:1', seed: expect.stringMatching(/^\d+$/), style_preset: 'tile-texture' });
    expect(Buffer.from(result.files[0]!.bytes).equals(Buffer.from(png))).toBe(true);
    expect(result).toMatchObject({ costUsd: 0.03, model: 'core', metadata: { seed: fields.seed, finishReason: 'SUCCESS' } });
    expect(context.progress.map((p) => p.percent)).toEqual([10, 90, 100]);

    const again = fake.requests.length;
    await provider().generate(generationRequest({ category: 'texture', description: 'mossy cobblestones' }), recordingContext());
    expect((await formFields(fake.requests[again]!)).seed).toBe(fields.seed);
  });

  it('sends SD 3.5 models to generate/sd3 naming the model, and maps a style to a preset on core', async () => {
    let seen = fake.requests.length;
    await provider({}, 'sd3.5-large').generate(generationRequest(), recordingContext());
    expect(fake.requests[seen]!.path).toBe('/v2beta/stable-image/generate/sd3');
    expect(await formFields(fake.requests[seen]!)).toMatchObject({ model: 'sd3.5-large' });

    seen = fake.requests.length;
    await provider().generate(generationRequest({ style: 'pixel art' }), recordingContext());
    expect(await formFields(fake.requests[seen]!)).toMatchObject({ style_preset: 'pixel-art' });
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    fake.override('/v2beta', { ...stabilityError(429, 'rate_limit_exceeded', 'You have exceeded the rate limit of 150 requests within a 10 second period'), headers: { 'retry-after': '1' } });
    const seen = fake.requests.length;
    const result = await provider().generate(generationRequest(), recordingContext());
    const [limited, retried] = fake.requests.slice(seen);
    expect(result.files[0]!.format).toBe('png');
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries a 500 with backoff and gives up after its attempts', async () => {
    fake.override('/v2beta', stabilityError(500, 'internal_error', 'An unexpected server error occurred'), 3);
    const seen = fake.requests.length;
    const error = await provider().generate(generationRequest(), recordingContext()).catch(caught);
    expect(error).toMatchObject({ provider: 'stability', kind: 'retryable', message: 'stability answered 500: An unexpected server error occurred' });
    expect(fake.requests.length - seen).toBe(3);
  });

  it('refuses moderated content (403, or a CONTENT_FILTERED result); a bad key is misconfigured; a slow answer times out', async () => {
    fake.override('/v2beta', stabilityError(403, 'content_moderation', 'Your request was flagged by our content moderation system'));
    expect(await provider().generate(generationRequest(), recordingContext()).catch(caught)).toMatchObject({ kind: 'refused', message: expect.stringContaining('403: Your request was flagged') });

    const filtered = await provider().generate(generationRequest({ description: 'something forbidden' }), recordingContext()).catch(caught);
    expect(filtered).toMatchObject({ kind: 'refused', message: 'stability filtered the result (content moderation): change the description' });

    const wrongKey = createStabilityProvider({ apiKey: 'nope', baseUrl: fake.origin, runtime: testRuntime() });
    expect(await wrongKey.generate(generationRequest(), recordingContext()).catch(caught)).toMatchObject({ kind: 'misconfigured', message: expect.stringContaining('(check STABILITY_API_KEY)') });

    fake.override('/v2beta', { delayMs: 1_000, body: png });
    const slow = await provider({ reliability: { timeoutMs: 100, maxAttempts: 1 } }).generate(generationRequest(), recordingContext()).catch(caught);
    expect(slow).toMatchObject({ kind: 'retryable', message: 'stability: generate/core timed out after 100 ms' });
  });

  it('aborts the upload in flight on cancel', async () => {
    fake.override('/v2beta', { delayMs: 2_000, body: png });
    const context = recordingContext();
    const seen = fake.requests.length;
    const run = provider().generate(generationRequest(), context);
    const inFlight = await fake.request(seen);
    context.controller.abort(new Error('job cancelled'));
    expect(await run.catch(caught)).toMatchObject({ message: 'job cancelled' });
    expect(await inFlight.ended).toBe('closed');
  });
});
