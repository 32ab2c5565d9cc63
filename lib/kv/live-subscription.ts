import type { Logger } from '../logging/logger.ts';
import type { Kv } from './types.ts';

/**
 * A subscription that in-process caches may rely on: while `live`, every message reaches them; when it drops,
 * `onGap` fires at once and nothing cached on the strength of its messages may be trusted until it is live again.
 */
export interface LiveSubscription {
  readonly live: boolean;
  /** Changes on every gap: work that started in another epoch must not be cached. */
  readonly epoch: number;
  /**
   * Epoch ms: a shared (KV) record written before this may predate a message missed in a gap, so check it again at
   * its source. Set when a gap begins (the KV may answer again before the subscription does) and again when it
   * ends; 0 when there was no gap.
   */
  readonly distrustBefore: number;
}

export interface LiveSubscriptionOptions {
  kv: Kv;
  channel: string;
  logger: Logger;
  onMessage: (message: string) => void;
  /** The subscription dropped (or could not be made at first): drop every in-process copy that relied on it. */
  onGap?: () => void;
  now?: () => number;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/**
 * Subscribes to `channel`, retrying with backoff (250 ms doubling to 10 s) until the KV accepts, then follows the
 * subscription's interruptions (the KV adapter re-establishes it by itself) so callers know when to trust caches.
 * @example const feed = subscribeLive({ kv, channel, logger, onMessage, onGap: () => cache.clear() }); if (feed.live) ...
 */
export function subscribeLive(options: LiveSubscriptionOptions): LiveSubscription {
  const { kv, channel, logger } = options;
  const now = options.now ?? Date.now;
  const state = { live: false, epoch: 0, distrustBefore: 0 };
  let retryMs = FIRST_RETRY_MS;

  const interrupted = () => {
    if (!state.live) return;
    state.live = false;
    state.distrustBefore = now();
    state.epoch++;
    logger.warn('subscription interrupted: caches that rely on it are bypassed until it resumes', { channel });
    options.onGap?.();
  };
  const resumed = () => {
    state.distrustBefore = now();
    state.epoch++;
    state.live = true;
    logger.info('subscription resumed', { channel });
  };

  const attempt = () => {
    kv.subscribe(channel, options.onMessage, { onInterrupt: interrupted, onResume: resumed }).then(
      () => {
        // Subscribed only after failing: messages may have been missed meanwhile, as in a gap.
        if (retryMs > FIRST_RETRY_MS) resumed();
        else state.live = true;
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (message === 'Kv is closed') return;
        logger.warn('subscription failed, retrying', { channel, error: message, retryInMs: retryMs });
        const timer = setTimeout(attempt, retryMs);
        // Never keep a process alive just to retry (Node; other runtimes have no unref).
        (timer as { unref?: () => void }).unref?.();
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      },
    );
  };
  attempt();
  return state;
}
