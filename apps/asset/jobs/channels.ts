import type { Kv, Unsubscribe } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';

/**
 * The asset service's KV pub/sub channels, shared by every instance (Redis or Upstash when there are several; the
 * in-memory KV for one process): job events for SSE and waiting requests, cancels for the worker running the job,
 * wake-ups for idle workers after an enqueue, and provider callbacks for the worker waiting on a task.
 */
export const CHANNELS = {
  jobEvents: (jobId: string) => `asset:job:${jobId}`,
  cancel: 'asset:cancel',
  wake: 'asset:wake',
  callback: (provider: string, taskId: string) => `asset:callback:${provider}:${taskId}`,
} as const;

/**
 * Publishes without letting a KV outage fail the caller: the database holds the truth and every listener also polls
 * it, so a lost message only delays news.
 * @example await publishQuietly(kv, logger, CHANNELS.cancel, JSON.stringify({ jobId }));
 */
export async function publishQuietly(kv: Kv, logger: Logger, channel: string, message: string): Promise<void> {
  try {
    await kv.publish(channel, message);
  } catch (err) {
    logger.warn('asset event not published (listeners fall back to polling)', { channel, error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Subscribes, or resolves to a no-op when the KV refuses (the caller's polling covers for it).
 * @example const stop = await subscribeQuietly(kv, logger, CHANNELS.wake, () => wakeWorkers());
 */
export async function subscribeQuietly(kv: Kv, logger: Logger, channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
  try {
    return await kv.subscribe(channel, onMessage);
  } catch (err) {
    logger.warn('asset channel not subscribed (falling back to polling)', { channel, error: err instanceof Error ? err.message : String(err) });
    return async () => {};
  }
}
