import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError, type ProviderContext } from './types.ts';

/** What one look at a remote task found: finished with a value, or still running (with the provider's progress). */
export type TaskState<T> = { done: true; value: T } | { done: false; percent?: number; message?: string };

export interface PollOptions<T> {
  provider: string;
  taskId: string;
  /** Between two looks; a verified webhook about the task cuts the wait short. */
  intervalMs: number;
  /** The task must finish within this, from the first look. */
  timeoutMs: number;
  context: ProviderContext;
  /** Looks at the task once (with its own retries); throws when the task failed. */
  check(): Promise<TaskState<T>>;
  /** Maps the provider's progress (0–100) into the job's; default: 10 + 80 %. */
  scale?: (percent: number) => number;
}

const never = new Promise<never>(() => {});

/**
 * Polls a remote task until it finishes, reporting its progress; waits between looks are cut short by the
 * provider's webhook when the service delivers one (`context.waitForCallback`), which only triggers the next look —
 * a webhook's body is never trusted for the result. Cancel stops the wait at once (the signal's reason is thrown).
 * @example const task = await pollTask({ provider: 'meshy', taskId, intervalMs, timeoutMs, context, check });
 */
export async function pollTask<T>(options: PollOptions<T>): Promise<T> {
  const { provider, taskId, context } = options;
  const scale = options.scale ?? ((percent: number) => 10 + percent * 0.8);
  const deadline = Date.now() + options.timeoutMs;
  const arm = (): Promise<'callback'> =>
    context.waitForCallback
      ? context.waitForCallback(taskId).then(
          () => 'callback' as const,
          () => never,
        )
      : never;
  let callback = arm();
  for (;;) {
    const state = await options.check();
    if (state.done) return state.value;
    if (state.percent !== undefined) context.onProgress(Math.round(scale(Math.min(Math.max(state.percent, 0), 100))), state.message);
    if (Date.now() >= deadline) {
      const limit = options.timeoutMs >= 1_000 ? `${Math.round(options.timeoutMs / 1_000)} s` : `${options.timeoutMs} ms`;
      throw new ProviderError(provider, 'retryable', `${provider} task ${taskId} did not finish within ${limit}`);
    }
    const timer = new AbortController();
    const woke = await Promise.race([
      sleep(Math.min(options.intervalMs, Math.max(deadline - Date.now(), 0)), 'timer' as const, { signal: AbortSignal.any([context.signal, timer.signal]) }).catch(() => 'aborted' as const),
      callback,
    ]);
    timer.abort();
    context.signal.throwIfAborted();
    if (woke === 'callback') callback = arm();
  }
}
