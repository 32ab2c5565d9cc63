import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { errorDetail, retryAfterMs, statusError } from './errors.ts';
import { type Reliability, withRetries } from './retry.ts';
import { DEFAULT_PRICES, priceOf } from './runtime.ts';
import { caught, generationRequest, testRuntime } from './testing/generation.ts';
import { ProviderError } from './types.ts';

const options = (overrides: Partial<Reliability> = {}, signal = new AbortController().signal) => ({
  provider: 'p',
  what: 'call',
  reliability: testRuntime({ reliability: overrides }).reliability,
  signal,
  logger: createMemoryLogger(),
});
const retryable = (retryAfter?: number) => new ProviderError('p', 'retryable', 'busy', retryAfter === undefined ? {} : { retryAfterMs: retryAfter });

describe('withRetries', () => {
  it('retries retryable failures with doubling backoff and returns the first success', async () => {
    const at: number[] = [];
    const result = await withRetries(options({ maxAttempts: 4, firstBackoffMs: 20, maxBackoffMs: 1_000 }), async () => {
      at.push(performance.now());
      if (at.length < 3) throw retryable();
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(18);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(38);
  });

  it('does not retry refused or misconfigured failures, nor wait for a Retry-After above the cap', async () => {
    let calls = 0;
    const refused = await withRetries(options(), async () => {
      calls++;
      throw new ProviderError('p', 'refused', 'no');
    }).catch(caught);
    expect([refused, calls]).toEqual([expect.objectContaining({ kind: 'refused' }), 1]);

    calls = 0;
    const tooLong = await withRetries(options({ maxRetryAfterMs: 1_000 }), async () => {
      calls++;
      throw retryable(30_000);
    }).catch(caught);
    expect(tooLong).toMatchObject({ kind: 'retryable', retryAfterMs: 30_000 });
    expect(calls).toBe(1);
  });

  it('turns network failures into retryable errors and stops at once when the job is cancelled mid-wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = withRetries(options({ firstBackoffMs: 5_000, maxBackoffMs: 5_000 }, controller.signal), async () => {
      calls++;
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    });
    setTimeout(() => controller.abort(new Error('job cancelled')), 20);
    expect(await run.catch(caught)).toMatchObject({ message: 'job cancelled' });
    expect(calls).toBe(1);

    const network = await withRetries(options({ maxAttempts: 1 }), async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    }).catch(caught);
    expect(network).toMatchObject({ kind: 'retryable', message: 'p could not be reached: connect ECONNREFUSED 127.0.0.1:9' });
  });
});

describe('provider error reading', () => {
  it('reads Retry-After as milliseconds, seconds or an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });

  it('keeps error details short and free of secrets the provider echoed', () => {
    expect(errorDetail('{"error":{"message":"Incorrect API key provided: sk-abcdefghijklmnopqrstuvwx"}}')).toBe('Incorrect API key provided: [REDACTED_KEY]');
    expect(errorDetail('{"errors":["prompt: required","seed: too big"]}')).toBe('prompt: required; seed: too big');
    expect(errorDetail('x'.repeat(500))).toHaveLength(301);
    const error = statusError('p', 503, '<html>Service Unavailable</html>', new Headers({ 'retry-after': '3' }), { credentials: 'P_KEY' });
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 3_000, message: 'p answered 503: <html>Service Unavailable</html>' });
  });
});

describe('prices', () => {
  const request = (kind: 'image' | 'texture', quality?: 'low' | 'high') => generationRequest({ category: kind, ...(quality ? { requirements: { quality } } : {}) });

  it('takes the operator’s price for the kind, else the quality’s default, else the provider’s', () => {
    const runtime = { prices: DEFAULT_PRICES, priceOverrides: { openai: { texture: 0.09 } } };
    expect(priceOf(runtime, 'openai', request('texture', 'high'))).toBe(0.09);
    expect(priceOf(runtime, 'openai', request('image', 'high'))).toBe(0.167);
    expect(priceOf(runtime, 'openai', request('image'))).toBe(0.042);
    expect(priceOf(runtime, 'local', request('image', 'high'))).toBe(0);
    expect(priceOf(runtime, 'unknown', request('image'))).toBe(0);
  });
});
