import { createMemoryLogger } from '../../../../lib/logging/logger.ts';
import { KIND_OF_CATEGORY } from '../registry.ts';
import type { Reliability } from '../retry.ts';
import { DEFAULT_PRICES, type ProviderRuntime } from '../runtime.ts';
import type { GenerationRequest, ProviderContext } from '../types.ts';

/** Test support for asset providers: requests and a context that records what a provider reported. */

/** A request as the service hands it over: `kind` follows `category` unless given. */
export function generationRequest(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  const category = overrides.category ?? 'image';
  const style = overrides.style ?? 'watercolor';
  const description = overrides.description ?? 'an old friend at dawn';
  return {
    category,
    kind: KIND_OF_CATEGORY[category],
    style,
    description,
    prompt: `${style}: ${description}`,
    requirements: {},
    seed: 'seed-1',
    ...overrides,
  };
}

export interface RecordingContext extends ProviderContext {
  progress: { percent: number; message?: string | undefined }[];
  controller: AbortController;
  logger: ReturnType<typeof createMemoryLogger>;
}

/** A context whose progress reports and log lines are kept; `controller.abort()` cancels the run. */
export function recordingContext(overrides: Partial<ProviderContext> = {}): RecordingContext {
  const controller = new AbortController();
  const progress: RecordingContext['progress'] = [];
  return {
    signal: controller.signal,
    onProgress: (percent, message) => progress.push({ percent, message }),
    progress,
    controller,
    ...overrides,
    logger: createMemoryLogger(),
  };
}

/** A runtime for tests: short timeouts, quick backoff and polling. */
export function testRuntime(overrides: { reliability?: Partial<Reliability>; poll?: Partial<ProviderRuntime['poll']>; maxDownloadBytes?: number } = {}): ProviderRuntime {
  return {
    reliability: { timeoutMs: 2_000, maxAttempts: 3, firstBackoffMs: 10, maxBackoffMs: 50, maxRetryAfterMs: 5_000, ...overrides.reliability },
    prices: DEFAULT_PRICES,
    poll: { intervalMs: 20, timeoutMs: 2_000, ...overrides.poll },
    maxDownloadBytes: overrides.maxDownloadBytes ?? 10 * 1024 * 1024,
  };
}

/** For `.catch(caught)`: the rejection as a value, to match on (a promise that resolves gives its result, which will not match). */
export const caught = (err: unknown): unknown => err;
