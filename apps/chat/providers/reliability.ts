import { setTimeout as delay } from 'node:timers/promises';
import {
  type ChatProvider,
  type ModelInfo,
  ProviderError,
  type ProviderEvent,
  type ProviderRequest,
} from '../engine/types.ts';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.ts';
import { abortedError, toProviderError } from './errors.ts';

export interface RetryInfo {
  provider: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  error: ProviderError;
}

/** Per-provider timeouts, retries and breaker thresholds; small values suit tests. */
export interface ReliabilityOptions {
  /** From the call to the provider's first event (connect, headers, first token). */
  firstEventTimeoutMs: number;
  /** Between two events once the stream runs. */
  idleTimeoutMs: number;
  /** Attempts per call, the first included; retries happen only before anything was yielded. */
  maxAttempts: number;
  /** Backoff before retry n is baseDelayMs·2^(n-1), with jitter, capped at maxDelayMs. */
  baseDelayMs: number;
  /** Cap on any wait; a `retryAfterMs` above it is not waited for (the call fails, so a fallback can answer). */
  maxDelayMs: number;
  /** Consecutive failed attempts that open the provider's circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one trial. */
  cooldownMs: number;
  /** Jitter source in [0, 1). */
  random: () => number;
  onRetry?: (info: RetryInfo) => void;
}

export const DEFAULT_RELIABILITY: ReliabilityOptions = {
  firstEventTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  failureThreshold: 5,
  cooldownMs: 30_000,
  random: Math.random,
};

/** A provider wrapped with timeouts, retries and its own circuit breaker. */
export interface ReliableProvider extends ChatProvider {
  readonly breaker: CircuitBreaker;
  readonly inner: ChatProvider;
}

/** Errors that say the provider is unwell (they count towards opening its circuit). */
const UNHEALTHY = new Set<ProviderError['kind']>(['rate_limited', 'server', 'timeout', 'network', 'invalid_response']);

/** Ms to wait before the next attempt, or undefined when the error must not be retried. */
export function retryDelayMs(error: ProviderError, attempt: number, options: ReliabilityOptions): number | undefined {
  if (!error.retryable || attempt >= options.maxAttempts) return undefined;
  const asked = error.options.retryAfterMs;
  if (asked !== undefined) return asked <= options.maxDelayMs ? asked : undefined;
  const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return backoff / 2 + (options.random() * backoff) / 2;
}

/** `iterator.next()`, failing with `timeout` after `ms` or `aborted` when `signal` fires (the pending call is left). */
function nextWithin<T>(iterator: AsyncIterator<T>, ms: number, signal: AbortSignal, message: string, provider: string) {
  if (signal.aborted) return Promise.reject(abortedError(provider, signal.reason));
  return new Promise<IteratorResult<T>>((resolve, reject) => {
    const onAbort = () => {
      cleanup();
      reject(abortedError(provider, signal.reason));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new ProviderError('timeout', message, { provider }));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        cleanup();
        resolve(result);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}

/** One attempt under the timeouts: a timeout or the caller's abort aborts the provider's own request. */
async function* guardedAttempt(provider: ChatProvider, request: ProviderRequest, options: ReliabilityOptions) {
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(request.signal.reason);
  request.signal.addEventListener('abort', forwardAbort, { once: true });
  const iterator = provider.stream({ ...request, signal: controller.signal })[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (let first = true; ; first = false) {
      const ms = first ? options.firstEventTimeoutMs : options.idleTimeoutMs;
      const what = first ? 'no first event' : 'stream stalled: no event';
      const result = await nextWithin(iterator, ms, request.signal, `${provider.name}: ${what} within ${ms} ms`, provider.name);
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    request.signal.removeEventListener('abort', forwardAbort);
    if (!finished) {
      controller.abort();
      iterator.return?.().catch(() => {});
    }
  }
}

/**
 * Wraps `provider.stream` with a time-to-first-event and an idle timeout (either aborts the underlying request and
 * fails with `timeout`), retries with exponential backoff and jitter on retryable errors — honouring
 * `retryAfterMs` — but only while nothing has been yielded (after that a failure is final), and a circuit breaker
 * (open → `circuit_open` without calling). The caller's abort stops it at once: no retry.
 * @example const openai = createReliableProvider(createOpenAiProvider(settings), { firstEventTimeoutMs: 20_000 });
 */
export function createReliableProvider(provider: ChatProvider, options: Partial<ReliabilityOptions> = {}): ReliableProvider {
  const o: ReliabilityOptions = { ...DEFAULT_RELIABILITY, ...options };
  const breaker = createCircuitBreaker(o);
  const name = provider.name;

  return {
    name,
    breaker,
    inner: provider,
    async *stream(request) {
      for (let attempt = 1; ; attempt++) {
        if (request.signal.aborted) throw abortedError(name, request.signal.reason);
        const permit = breaker.acquire();
        if (!permit) throw new ProviderError('circuit_open', `${name}: circuit open after repeated failures`, { provider: name });
        let yielded = false;
        try {
          for await (const event of guardedAttempt(provider, request, o)) {
            yielded = true;
            yield event;
          }
          permit.success();
          return;
        } catch (err) {
          const error = request.signal.aborted ? abortedError(name, err) : toProviderError(err, name);
          if (UNHEALTHY.has(error.kind)) permit.failure();
          const wait = yielded ? undefined : retryDelayMs(error, attempt, o);
          if (wait === undefined) throw error;
          o.onRetry?.({ provider: name, attempt, delayMs: wait, error });
          await delay(wait, undefined, { signal: request.signal }).catch((cause: unknown) => {
            throw abortedError(name, cause);
          });
        } finally {
          permit.release();
        }
      }
    },
  };
}

/** One candidate of a fallback chain: the provider, its own model id, and what callers call it. */
export interface FallbackEntry {
  provider: ChatProvider;
  model: string;
  info: ModelInfo;
}

export interface FallbackFailure {
  entry: FallbackEntry;
  error: ProviderError;
}

/** Emitted once, before the first event of the entry that answers: the stored reply names this provider/model. */
export interface SelectedEvent {
  type: 'selected';
  entry: FallbackEntry;
  /** The entries that failed before it. */
  failures: FallbackFailure[];
}

export type FallbackEvent = ProviderEvent | SelectedEvent;

export interface FallbackOptions {
  /** Called when an entry failed before yielding anything and `next` (if any) is tried. */
  onFallback?: (failure: FallbackFailure, next: FallbackEntry | undefined) => void;
}

/**
 * Streams from the first entry of `chain` that answers: an entry failing before it yielded anything hands over to
 * the next; once one has yielded, its failure is final. The first event is a {@link SelectedEvent} naming the entry
 * that answered. The caller's abort stops at once, without fallback; when every entry fails, the last error is thrown.
 * @example for await (const event of streamWithFallback(registry.fallbackChain('openai/gpt-4o-mini'), request)) ...
 */
export async function* streamWithFallback(
  chain: FallbackEntry[],
  request: Omit<ProviderRequest, 'model'>,
  options: FallbackOptions = {},
): AsyncGenerator<FallbackEvent> {
  const failures: FallbackFailure[] = [];
  for (const [index, entry] of chain.entries()) {
    if (request.signal.aborted) throw abortedError(entry.provider.name, request.signal.reason);
    let selected = false;
    try {
      for await (const event of entry.provider.stream({ ...request, model: entry.model })) {
        if (!selected) {
          selected = true;
          yield { type: 'selected', entry, failures: [...failures] };
        }
        yield event;
      }
      if (!selected) yield { type: 'selected', entry, failures: [...failures] };
      return;
    } catch (err) {
      const error = request.signal.aborted ? abortedError(entry.provider.name, err) : toProviderError(err, entry.provider.name);
      if (selected || error.kind === 'aborted') throw error;
      const failure = { entry, error };
      failures.push(failure);
      options.onFallback?.(failure, chain[index + 1]);
    }
  }
  const last = failures.at(-1);
  throw last?.error ?? new ProviderError('bad_request', 'no model to try: the fallback chain is empty');
}
