import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught, generationRequest, recordingContext, testRuntime } from '../testing/generation.ts';
import { jsonBody } from '../testing/fake-http.ts';
import { sampleFile } from '../testing/samples.ts';
import { ProviderError } from '../types.ts';
import { type FakeOpenAiImages, openAiError, startFakeOpenAiImages } from './testing/fake-openai-images.ts';
import { createOpenAiImagesProvider } from './index.ts';

let fake: FakeOpenAiImages;
let png: Uint8Array;
const provider = (overrides: Parameters<typeof testRuntime>[0] = {}, model?: string) =>
  createOpenAiImagesProvider({ apiKey: 'sk-test-key', baseURL: fake.baseURL, runtime: testRuntime(overrides), ...(model ? { model } : {}) });

beforeAll(async () => {
  png = await sampleFile('image');
  fake = await startFakeOpenAiImages({ apiKey: 'sk-test-key', image: png });
});
afterAll(() => fake.close());

describe('openai images provider', () => {
  it('asks images.generate for one 1024² PNG with the bearer key and returns the bytes the API sent', async () => {
    const context = recordingContext();
    const seen = fake.requests.length;
    const result = await provider().generate(generationRequest({ category: 'image', requirements: { quality: 'high' } }), context);
    const sent = fake.requests[seen]!;

    expect(sent.headers.authorization).toBe('Bearer sk-test-key');
    expect(jsonBody(sent)).toEqual({ model: 'gpt-image-1', prompt: 'watercolor: an old friend at dawn', n: 1, size: '1024x1024', output_format: 'png', quality: 'high' });
    expect(result.files).toHaveLength(1);
    expect(result.files[0]).toMatchObject({ name: 'image.png', contentType: 'image/png', format: 'png' });
    expect(Buffer.from(result.files[0]!.bytes).equals(Buffer.from(png))).toBe(true);
    expect(result).toMatchObject({ costUsd: 0.167, model: 'gpt-image-1', metadata: { usage: { output_tokens: 4_160 } } });
    expect(context.progress.map((p) => p.percent)).toEqual([10, 90, 100]);
  });

  it('speaks DALL·E 3: b64_json requested, hd for high quality', async () => {
    const seen = fake.requests.length;
    await provider({}, 'dall-e-3').generate(generationRequest({ category: 'texture', requirements: { quality: 'ultra' } }), recordingContext());
    expect(jsonBody(fake.requests[seen]!)).toMatchObject({ model: 'dall-e-3', response_format: 'b64_json', quality: 'hd' });
  });

  it('waits out a 429’s Retry-After, then succeeds', async () => {
    fake.override('/v1/images', { ...openAiError(429, 'Rate limit reached for images', 'rate_limit_exceeded'), headers: { 'retry-after': '1' } });
    const context = recordingContext();
    const seen = fake.requests.length;
    const result = await provider().generate(generationRequest(), context);
    const [limited, retried] = fake.requests.slice(seen);

    expect(result.files[0]!.format).toBe('png');
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(context.logger.entries()).toContainEqual(expect.objectContaining({ msg: 'asset provider call failed, retrying', provider: 'openai', waitMs: 1000 }));
  });

  it('fails as retryable after its attempts when the API keeps answering 500', async () => {
    fake.override('/v1/images', openAiError(500, 'The server had an error'), 2);
    const seen = fake.requests.length;
    const error = await provider({ reliability: { maxAttempts: 2 } }).generate(generationRequest(), recordingContext()).catch(caught);

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'openai', kind: 'retryable', message: 'openai answered 500: The server had an error' });
    expect(fake.requests.length - seen).toBe(2);
  });

  it('times out a slow answer (retryable), a content-policy refusal is refused, a bad key misconfigured', async () => {
    fake.override('/v1/images', { delayMs: 1_000, json: {} });
    const slow = await provider({ reliability: { timeoutMs: 100, maxAttempts: 1 } }).generate(generationRequest(), recordingContext()).catch(caught);
    expect(slow).toMatchObject({ kind: 'retryable', message: 'openai: images.generate timed out after 100 ms' });

    fake.override('/v1/images', openAiError(400, 'Your request was rejected by the safety system.', 'moderation_blocked'));
    const refused = await provider().generate(generationRequest(), recordingContext()).catch(caught);
    expect(refused).toMatchObject({ kind: 'refused', message: 'openai answered 400: Your request was rejected by the safety system.' });

    const badKey = createOpenAiImagesProvider({ apiKey: 'sk-wrong', baseURL: fake.baseURL, runtime: testRuntime() });
    const denied = await badKey.generate(generationRequest(), recordingContext()).catch(caught);
    expect(denied).toMatchObject({ kind: 'misconfigured', message: 'openai answered 401: Incorrect API key provided. (check OPENAI_API_KEY)' });
  });

  it('aborts the HTTP request in flight when the job is cancelled, throwing the signal’s reason', async () => {
    fake.override('/v1/images', { delayMs: 2_000, json: {} });
    const context = recordingContext();
    const seen = fake.requests.length;
    const run = provider().generate(generationRequest(), context);
    const inFlight = await fake.request(seen);
    context.controller.abort(new Error('job cancelled'));

    expect(await run.catch(caught)).toMatchObject({ message: 'job cancelled' });
    expect(await inFlight.ended).toBe('closed');
  });

  it('refuses an image above file_size_max_mb', async () => {
    const error = await provider().generate(generationRequest({ requirements: { fileSizeMaxMb: 0.001 } }), recordingContext()).catch(caught);
    expect(error).toMatchObject({ kind: 'refused', message: expect.stringMatching(/^openai sent an image of \d+ bytes, above the limit of 1048: raise file_size_max_mb$/) });
  });

  it('refuses an answer that is not an image', async () => {
    fake.override('/v1/images', { json: { created: 1, data: [{ b64_json: Buffer.from('<html>oops</html>').toString('base64') }] } });
    const error = await provider({ reliability: { maxAttempts: 1 } }).generate(generationRequest(), recordingContext()).catch(caught);
    expect(error).toMatchObject({ kind: 'retryable', message: 'openai sent a file of unknown type when asked for an image' });
  });
});
