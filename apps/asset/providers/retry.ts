import { setTimeout as sleep } from 'node:timers/promises';
import { doublingBackoff } from '../../../lib/async/backoff.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { networkError } from './errors.ts';
import { ProviderError } from './types.ts';

/** Timeouts and retries of one provider's HTTP calls (config: `ASSET_PROVIDER_*`); small values suit tests. */
export interface Reliability {
  /** One HTTP attempt, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** The first backoff; it doubles per retry up to {@link maxBackoffMs}. Retry-After, when sent, is used instead. */
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** A Retry-After longer than this is not waited for: the call fails (retryable, `retryAfterMs` kept) so the job is rescheduled. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RELIABILITY: Reliability = {
  timeoutMs: 120_000,
  maxAttempts: 3,
  firstBackoffMs: 500,
  maxBackoffMs: 10_000,
  maxRetryAfterMs: 60_000,
};

export interface CallOptions {
  provider: string;
  /** What the call does, for logs and messages (`submit imagine`, `fetch task 123`). */
  what: string;
  reliability: Reliability;
  /** The job's signal: aborting stops the attempt in flight and any wait. */
  signal: AbortSignal;
  logger: Logger;
}

/** What an attempt threw, as a {@link ProviderError} (fetch's network failures are `retryable`). */
function classify(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof TypeError || (err instanceof Error && 'code' in err)) return networkError(provider, err);
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(provider, 'retryable', `${provider} failed: ${message}`, { cause: err });
}

/**
 * Runs `attempt` with a per-attempt timeout, retrying `retryable` failures (429, 5xx, timeouts, network) after the
 * server's Retry-After or a doubling backoff, up to `maxAttempts`. The job's signal aborts everything and its reason
 * is thrown as it is.
 * @example const response = await withRetries(options, (signal) => fetch(url, { signal }));
 */
export async function withRetries<T>(options: CallOptions, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { provider, what, reliability, signal, logger } = options;
  const backoff = doublingBackoff(reliability.firstBackoffMs, reliability.maxBackoffMs);
  for (let n = 1; ; n++) {
    signal.throwIfAborted();
    const timeout = AbortSignal.timeout(reliability.timeoutMs);
    try {
      return await attempt(AbortSignal.any([signal, timeout]));
    } catch (err) {
      signal.throwIfAborted();
      const error = timeout.aborted
        ? new ProviderError(provider, 'retryable', `${provider}: ${what} timed out after ${reliability.timeoutMs} ms`, { cause: err })
        : classify(provider, err);
      const waitMs = error.retryAfterMs ?? backoff.next();
      if (error.kind !== 'retryable' || n >= reliability.maxAttempts || waitMs > reliability.maxRetryAfterMs) throw error;
      logger.warn('asset provider call failed, retrying', { provider, what, attempt: n, waitMs, error: error.message });
      await sleep(waitMs, undefined, { signal }).catch(() => signal.throwIfAborted());
    }
  }
}
