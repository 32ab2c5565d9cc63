import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';

export interface Subscription {
  /** Whether the subscription is active now (caches that rely on its messages may be trusted). */
  readonly active: boolean;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * Subscribes to `channel`, retrying with backoff (1 s doubling to 30 s) while the KV refuses, until it succeeds or
 * the KV is closed. Redis re-subscribes by itself after a reconnect once subscribed.
 * @example const revocations = subscribeWithRetry(kv, API_KEY_REVOKED_CHANNEL, onRevoked, logger);
 */
export function subscribeWithRetry(kv: Kv, channel: string, onMessage: (message: string) => void, logger: Logger): Subscription {
  const state = { active: false };
  let delay = FIRST_RETRY_MS;
  const attempt = () => {
    kv.subscribe(channel, onMessage).then(
      () => {
        state.active = true;
        if (delay > FIRST_RETRY_MS) logger.info('gateway subscription active', { channel });
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (message === 'Kv is closed') return;
        logger.warn('gateway subscription failed, retrying', { channel, error: message, retryInMs: delay });
        const timer = setTimeout(attempt, delay);
        // Never keep a process alive just to retry (Node; other runtimes have no unref).
        (timer as { unref?: () => void }).unref?.();
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      },
    );
  };
  attempt();
  return state;
}
