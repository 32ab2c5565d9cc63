import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelMidPoll } from '../testing/cancel.ts';
import { jsonBody } from '../testing/fake-http.ts';
import { caught, generationRequest, recordingContext, testRuntime } from '../testing/generation.ts';
import { sampleMp3 } from '../testing/samples.ts';
import type { MubertSettings } from './api.ts';
import { createMubertProvider } from './index.ts';
import { type FakeMubert, startFakeMubert } from './testing/fake-mubert.ts';

const credentials = { customerId: 'cust-1', accessToken: 'token-1' };
const mp3 = sampleMp3();
let fake: FakeMubert;
const provider = (overrides: Partial<MubertSettings> = {}, runtime: Parameters<typeof testRuntime>[0] = {}) =>
  createMubertProvider({ ...credentials, baseUrl: fake.baseUrl, runtime: testRuntime(runtime), ...overrides });
const audio = (overrides = {}) => generationRequest({ category: 'audio', style: 'calm ambient', description: 'a looping forest theme', ...overrides });

beforeAll(async () => {
  fake = await startFakeMubert({ ...credentials, audio: mp3 });
});
afterAll(() => fake.close());

describe('mubert provider (Music API v3)', () => {
  it('creates a track with customer-id/access-token, polls it until done and returns the audio it served', async () => {
    const seen = fake.requests.length;
    const context = recordingContext();
    const result = await provider().generate(audio(), context);
    const [create, ...polls] = fake.requests.slice(seen);

    expect(create!.headers).toMatchObject({ 'customer-id': 'cust-1', 'access-token': 'token-1' });
    expect(jsonBody(create!)).toEqual({ prompt: 'calm ambient: a looping forest theme', duration: 30, bitrate: 128, format: 'mp3', intensity: 'low', mode: 'loop' });
    expect(polls.filter((r) => r.path.startsWith('/api/v3/public/tracks/')).length).toBeGreaterThanOrEqual(2);
    expect(result.files[0]).toMatchObject({ name: 'audio.mp3', contentType: 'audio/mpeg', format: 'mp3' });
    expect(Buffer.from(result.files[0]!.bytes).equals(Buffer.from(mp3))).toBe(true);
    expect(result).toMatchObject({ costUsd: 0.05, metadata: { trackId: expect.stringMatching(/^trk_/), bpm: 96, key: 'A minor' } });
    expect(context.progress.map((p) => p.percent)).toEqual([10, 90, 100]);
  });

  it('asks for wav when the format says so, cuts the prompt at 200 characters, and a high quality is 320 kbps for 60 s', async () => {
    const seen = fake.requests.length;
    await provider().generate(audio({ description: 'x'.repeat(300), requirements: { format: 'WAV', quality: 'high' } }), recordingContext()).catch(caught);
    const body = jsonBody(fake.requests[seen]!);
    expect(body).toMatchObject({ format: 'wav', bitrate: 320, duration: 60 });
    expect(String(body.prompt)).toHaveLength(200);
  });

  it('honours Retry-After on 429, retries 500s then gives up, and times out a slow answer', async () => {
    fake.override('/api/v3/public/tracks', { status: 429, headers: { 'retry-after': '1' }, json: { error: { code: 'rate_limited', message: 'Too many requests' } } });
    let seen = fake.requests.length;
    await provider().generate(audio(), recordingContext());
    const [limited, retried] = fake.requests.slice(seen);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);

    fake.override('/api/v3/public/tracks', { status: 502, body: 'Bad Gateway' }, 3);
    seen = fake.requests.length;
    expect(await provider().generate(audio(), recordingContext()).catch(caught)).toMatchObject({ kind: 'retryable', message: 'mubert answered 502: Bad Gateway' });
    expect(fake.requests.length - seen).toBe(3);

    fake.override('/api/v3/public/tracks', { delayMs: 1_000, json: {} });
    const slow = await provider({}, { reliability: { timeoutMs: 100, maxAttempts: 1 } }).generate(audio(), recordingContext()).catch(caught);
    expect(slow).toMatchObject({ kind: 'retryable', message: 'mubert: create track timed out after 100 ms' });
  });

  it('stops polling when cancelled, and fails when the track never finishes', async () => {
    const slowFake = await startFakeMubert({ ...credentials, audio: mp3, readyAfterMs: 10_000 });
    const { error, requestsAfter } = await cancelMidPoll(slowFake, 2, (context) => provider({ baseUrl: slowFake.baseUrl }).generate(audio(), context));
    expect(error).toMatchObject({ message: 'job cancelled' });
    expect(requestsAfter).toBe(0);

    const late = await provider({ baseUrl: slowFake.baseUrl }, { poll: { intervalMs: 20, timeoutMs: 100 } }).generate(audio(), recordingContext()).catch(caught);
    expect(late).toMatchObject({ kind: 'retryable', message: expect.stringMatching(/^mubert task trk_\d+ did not finish within 100 ms$/) });
    await slowFake.close();
  });

  it('reports a failed generation and wrong credentials, saying which variables to check', async () => {
    const failing = await startFakeMubert({ ...credentials, audio: mp3, fail: true, readyAfterMs: 10 });
    expect(await provider({ baseUrl: failing.baseUrl }).generate(audio(), recordingContext()).catch(caught)).toMatchObject({ kind: 'retryable', message: expect.stringMatching(/failed to generate$/) });
    await failing.close();

    const denied = await provider({ accessToken: 'wrong' }).generate(audio(), recordingContext()).catch(caught);
    expect(denied).toMatchObject({ kind: 'misconfigured', message: 'mubert answered 401: Invalid customer-id or access-token (check MUBERT_CUSTOMER_ID and MUBERT_ACCESS_TOKEN)' });
  });
});
