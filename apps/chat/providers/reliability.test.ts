import { afterEach, describe, expect, it } from 'vitest';
import type { ChatProvider, ProviderError, ProviderEvent } from '../engine/types.ts';
import { startFakeAnthropic } from '../testing/fake-anthropic.ts';
import { type FakeLlmServer, startFakeOpenAi } from '../testing/fake-openai.ts';
import { createAnthropicProvider } from './anthropic/index.ts';
import { createCircuitBreaker } from './circuit-breaker.ts';
import { createOpenAiProvider } from './openai/index.ts';
import {
  createReliableProvider,
  type FallbackEntry,
  type FallbackEvent,
  type ReliabilityOptions,
  type RetryInfo,
  retryDelayMs,
  DEFAULT_RELIABILITY,
  streamWithFallback,
} from './reliability.ts';
import { collect, providerRequest, rejectionOf, textOf } from './testing.ts';

const fakes: FakeLlmServer[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const FAST: Partial<ReliabilityOptions> = {
  firstEventTimeoutMs: 1000,
  idleTimeoutMs: 1000,
  maxAttempts: 3,
  baseDelayMs: 10,
  maxDelayMs: 1500,
  failureThreshold: 50,
  cooldownMs: 100,
};

async function openAiEntry(scripts: Parameters<typeof startFakeOpenAi>[0], options: Partial<ReliabilityOptions> = {}) {
  const fake = await startFakeOpenAi(scripts);
  fakes.push(fake);
  const provider = createReliableProvider(createOpenAiProvider({ apiKey: 'k', baseURL: fake.baseURL, models: ['gpt-4o-mini'] }), { ...FAST, ...options });
  const entry: FallbackEntry = { provider, model: 'gpt-4o-mini', info: { id: 'openai/gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini', tools: true } };
  return { fake, provider, entry };
}

async function anthropicEntry(scripts: Parameters<typeof startFakeAnthropic>[0], options: Partial<ReliabilityOptions> = {}) {
  const fake = await startFakeAnthropic(scripts);
  fakes.push(fake);
  const inner = createAnthropicProvider({ apiKey: 'k', baseURL: fake.baseURL, models: ['claude-fake-1'] });
  const provider = createReliableProvider(inner, { ...FAST, ...options });
  const entry: FallbackEntry = { provider, model: 'claude-fake-1', info: { id: 'anthropic/claude-fake-1', provider: 'anthropic', model: 'claude-fake-1', tools: true } };
  return { fake, provider, entry };
}

const providerEvents = (events: FallbackEvent[]) => events.filter((e): e is ProviderEvent => e.type !== 'selected');
const selectedOf = (events: FallbackEvent[]) => events.find((e) => e.type === 'selected');

describe('createReliableProvider', () => {
  it('honours Retry-After on a 429, then succeeds (OpenAI, seconds)', async () => {
    const retries: RetryInfo[] = [];
    const { fake, provider } = await openAiEntry({ scripts: [{ status: 429, headers: { 'retry-after': '1' } }, { text: 'after the wait' }] }, { onRetry: (info) => retries.push(info) });
    const started = performance.now();
    const events = await collect(provider.stream(providerRequest()));
    const elapsed = performance.now() - started;

    expect(textOf(events)).toBe('after the wait');
    expect(fake.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(1900);
    expect(retries).toMatchObject([{ provider: 'openai', attempt: 1, delayMs: 1000, error: { kind: 'rate_limited' } }]);
  });

  it('honours retry-after-ms on a 429, then succeeds (Anthropic)', async () => {
    const { fake, provider } = await anthropicEntry({ scripts: [{ status: 429, headers: { 'retry-after-ms': '300' } }, { text: 'ok' }] });
    const started = performance.now();
    const events = await collect(provider.stream(providerRequest({ model: 'claude-fake-1' })));
    const elapsed = performance.now() - started;
    expect(textOf(events)).toBe('ok');
    expect(fake.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(800);
  });

  it('does not wait for a Retry-After beyond maxDelayMs: fails at once so a fallback can answer', async () => {
    const { fake, provider } = await openAiEntry({ scripts: [{ status: 429, headers: { 'retry-after': '30' } }] });
    const err = (await rejectionOf(collect(provider.stream(providerRequest())))) as ProviderError;
    expect(err.kind).toBe('rate_limited');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a 500 with backoff and gives up after maxAttempts; never retries a 400', async () => {
    const { fake, provider } = await openAiEntry({ script: { status: 500 } });
    expect(((await rejectionOf(collect(provider.stream(providerRequest())))) as ProviderError).kind).toBe('server');
    expect(fake.requests).toHaveLength(3);

    const bad = await openAiEntry({ script: { status: 400 } });
    expect(((await rejectionOf(collect(bad.provider.stream(providerRequest())))) as ProviderError).kind).toBe('bad_request');
    expect(bad.fake.requests).toHaveLength(1);
  });

  it('times out a slow first byte, aborting the request (the fake sees the socket close)', async () => {
    const { fake, provider } = await openAiEntry({ script: { firstByteDelayMs: 600 } }, { firstEventTimeoutMs: 100, maxAttempts: 1 });
    const started = performance.now();
    const err = (await rejectionOf(collect(provider.stream(providerRequest())))) as ProviderError;
    expect(err.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(400);
    expect(await fake.requests[0]?.ended).toBe('closed');
  });

  it('times out a stalled stream after text, and does not retry it', async () => {
    const { fake, provider } = await openAiEntry({ script: { text: 'one two three', tokenDelayMs: 400 } }, { idleTimeoutMs: 100 });
    const seen: ProviderEvent[] = [];
    const err = (await rejectionOf(collect(provider.stream(providerRequest()), seen))) as ProviderError;
    expect(err.kind).toBe('timeout');
    expect(textOf(seen)).toBe('one ');
    expect(fake.requests).toHaveLength(1);
  });

  it('stops at once on the caller abort during a retry wait: no retry', async () => {
    const { fake, provider } = await openAiEntry({ scripts: [{ status: 429, headers: { 'retry-after': '1' } }, { text: 'never' }] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const err = (await rejectionOf(collect(provider.stream(providerRequest({ signal: controller.signal }))))) as ProviderError;
    expect(err.kind).toBe('aborted');
    expect(performance.now() - started).toBeLessThan(500);
    expect(fake.requests).toHaveLength(1);
  });

  it('opens the circuit after N consecutive failures, refuses without calling, half-opens after the cool-down', async () => {
    const { fake, provider } = await openAiEntry({ scripts: [{ status: 500 }, { status: 500 }, { status: 500 }], script: { text: 'recovered' } }, { maxAttempts: 1, failureThreshold: 2, cooldownMs: 150 });
    const call = () => collect(provider.stream(providerRequest()));

    expect(((await rejectionOf(call())) as ProviderError).kind).toBe('server');
    expect(provider.breaker.state()).toBe('closed');
    expect(((await rejectionOf(call())) as ProviderError).kind).toBe('server');
    expect(provider.breaker.state()).toBe('open');
    expect(((await rejectionOf(call())) as ProviderError).kind).toBe('circuit_open');
    expect(fake.requests).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 160));
    expect(provider.breaker.state()).toBe('half_open');
    expect(((await rejectionOf(call())) as ProviderError).kind).toBe('server'); // the trial fails: open again
    expect(provider.breaker.state()).toBe('open');
    expect(((await rejectionOf(call())) as ProviderError).kind).toBe('circuit_open');

    await new Promise((resolve) => setTimeout(resolve, 160));
    expect(textOf(await call())).toBe('recovered'); // the trial succeeds: closed
    expect(provider.breaker.state()).toBe('closed');
    expect(fake.requests).toHaveLength(4);
  });
});

describe('streamWithFallback', () => {
  it('falls back to the next provider after a 500 was retried, and names the provider that answered', async () => {
    const openai = await openAiEntry({ script: { status: 500 } }, { maxAttempts: 2 });
    const anthropic = await anthropicEntry({ scripts: [{ text: 'Claude answers.' }] });
    const fallbacks: string[] = [];
    const events = await collect(
      streamWithFallback([openai.entry, anthropic.entry], { messages: providerRequest().messages, signal: new AbortController().signal }, {
        onFallback: (failure, next) => fallbacks.push(`${failure.entry.info.id}:${failure.error.kind}->${next?.info.id}`),
      }),
    );

    expect(events[0]).toMatchObject({ type: 'selected', entry: { info: { id: 'anthropic/claude-fake-1' } } });
    expect(selectedOf(events)).toMatchObject({ failures: [{ entry: { info: { id: 'openai/gpt-4o-mini' } }, error: { kind: 'server' } }] });
    expect(textOf(providerEvents(events))).toBe('Claude answers.');
    expect(fallbacks).toEqual(['openai/gpt-4o-mini:server->anthropic/claude-fake-1']);
    expect(openai.fake.requests).toHaveLength(2);
    expect(anthropic.fake.requests[0]?.body).toMatchObject({ model: 'claude-fake-1' });
  });

  it('falls back when the first provider times out on a slow first byte', async () => {
    const openai = await openAiEntry({ script: { firstByteDelayMs: 800 } }, { firstEventTimeoutMs: 100, maxAttempts: 2 });
    const anthropic = await anthropicEntry({ scripts: [{ text: 'fast' }] });
    const started = performance.now();
    const events = await collect(streamWithFallback([openai.entry, anthropic.entry], { messages: providerRequest().messages, signal: new AbortController().signal }));

    expect(selectedOf(events)).toMatchObject({ entry: { info: { provider: 'anthropic' } }, failures: [{ error: { kind: 'timeout' } }] });
    expect(textOf(providerEvents(events))).toBe('fast');
    expect(performance.now() - started).toBeLessThan(700);
    expect(await openai.fake.requests[0]?.ended).toBe('closed');
  });

  it('a stream cut after text is final: the error surfaces, no retry, no fallback, the text was yielded', async () => {
    const openai = await openAiEntry({ scripts: [{ text: 'partial answer that breaks', cutAfterTokens: 2 }] });
    const anthropic = await anthropicEntry({ scripts: [{ text: 'never' }] });
    const seen: FallbackEvent[] = [];
    const err = (await rejectionOf(
      collect(streamWithFallback([openai.entry, anthropic.entry], { messages: providerRequest().messages, signal: new AbortController().signal }), seen),
    )) as ProviderError;

    expect(err.kind).toBe('network');
    expect(selectedOf(seen)).toMatchObject({ entry: { info: { provider: 'openai' } } });
    expect(textOf(providerEvents(seen))).toBe('partial answer ');
    expect(openai.fake.requests).toHaveLength(1);
    expect(anthropic.fake.requests).toHaveLength(0);
  });

  it('the caller abort stops at once: no retry and no fallback', async () => {
    const openai = await openAiEntry({ script: { words: 100, tokenDelayMs: 20 } });
    const anthropic = await anthropicEntry({ scripts: [{ text: 'never' }] });
    const controller = new AbortController();
    const seen: FallbackEvent[] = [];
    const run = collect(streamWithFallback([openai.entry, anthropic.entry], { messages: providerRequest().messages, signal: controller.signal }), seen);
    while (seen.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();

    expect(((await rejectionOf(run)) as ProviderError).kind).toBe('aborted');
    expect(await openai.fake.requests[0]?.ended).toBe('closed');
    expect(openai.fake.requests).toHaveLength(1);
    expect(anthropic.fake.requests).toHaveLength(0);
  });

  it('skips an open circuit and throws the last error when every entry fails', async () => {
    const broken: ChatProvider = {
      name: 'broken',
      // biome-ignore lint/correctness/useYield: fails before yielding, on purpose
      async *stream() {
        throw new Error('boom');
      },
    };
    const openai = await openAiEntry({ script: { status: 503 } }, { maxAttempts: 1, failureThreshold: 1, cooldownMs: 60_000 });
    await rejectionOf(collect(openai.provider.stream(providerRequest())));
    const entries: FallbackEntry[] = [openai.entry, { ...openai.entry, provider: broken }];
    const failures: string[] = [];
    const err = (await rejectionOf(
      collect(streamWithFallback(entries, { messages: [], signal: new AbortController().signal }, { onFallback: (f) => failures.push(f.error.kind) })),
    )) as ProviderError;
    expect(failures).toEqual(['circuit_open', 'invalid_response']);
    expect(err.kind).toBe('invalid_response');
    expect(openai.fake.requests).toHaveLength(1);
  });
});

describe('retryDelayMs and the circuit breaker', () => {
  it('backs off exponentially with jitter, capped', () => {
    const o = { ...DEFAULT_RELIABILITY, baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 5 };
    const server = { retryable: true, options: {} } as ProviderError;
    expect(retryDelayMs(server, 1, { ...o, random: () => 0 })).toBe(50);
    expect(retryDelayMs(server, 2, { ...o, random: () => 1 })).toBe(200);
    expect(retryDelayMs(server, 4, { ...o, random: () => 1 })).toBe(300);
    expect(retryDelayMs(server, 5, o)).toBeUndefined();
  });

  it('lets one trial through at a time when half-open; a neutral outcome frees the slot', () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 10, now: () => now });
    breaker.acquire()?.failure();
    expect(breaker.acquire()).toBeUndefined();
    now = 10;
    const trial = breaker.acquire();
    expect(trial).toBeDefined();
    expect(breaker.acquire()).toBeUndefined();
    trial?.release();
    breaker.acquire()?.success();
    expect(breaker.state()).toBe('closed');
  });
});
