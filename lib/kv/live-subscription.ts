import { doublingBackoff } from '../async/backoff.ts';
import type { Logger } from '../logging/logger.ts';
import type { Kv } from './types.ts';

/**
 * A subscription that in-process caches may rely on: while `live`, every message reaches them; when it drops (or,
 * with `maxSilenceMs`, goes quiet), `onGap` fires at once and nothing cached on the strength of its messages may be
 * trusted until it is live again.
 */
export interface LiveSubscription {
  readonly live: boolean;
  /** Changes whenever `live` does: work that started in another epoch must not be cached. */
  readonly epoch: number;
  /**
   * Epoch ms: a shared (KV) record written before this may predate a message missed while not live, so check it
   * again at its source. Set whenever `live` changes (the KV may answer again before the subscription does); 0 while
   * the subscription has been live since it started without needing a first message.
   */
  readonly distrustBefore: number;
}

export interface LiveSubscriptionOptions {
  kv: Kv;
  channel: string;
  logger: Logger;
  onMessage: (message: string) => void;
  /** The subscription stopped being live: drop every in-process copy that relied on it. */
  onGap?: () => void;
  /**
   * Live only while some message (a publisher's heartbeat) arrived in the last `maxSilenceMs` (counting from when
   * the subscription was made): a subscription that died without telling (a half-open connection, a stalled stream)
   * is then noticed. Off by default.
   */
  maxSilenceMs?: number;
  now?: () => number;
}


/**
 * Subscribes to `channel`, retrying with backoff (250 ms doubling to 10 s) until the KV accepts, then follows the
 * subscription's interruptions (the KV adapter re-establishes it by itself) and, with `maxSilenceMs`, its silences,
 * so callers know when to trust their caches. Live = subscribed, connected, and (with `maxSilenceMs`) heard from.
 * @example const feed = subscribeLive({ kv, channel, logger, onMessage, onGap: () => cache.clear(), maxSilenceMs: 3_500 });
 */
export function subscribeLive(options: LiveSubscriptionOptions): LiveSubscription {
  const { kv, channel, logger, maxSilenceMs } = options;
  const now = options.now ?? Date.now;
  const state = { live: false, epoch: 0, distrustBefore: 0 };
  let subscribed = false;
  let connected = true;
  let heardAt = Number.NEGATIVE_INFINITY;
  const retry = doublingBackoff(250, 10_000);
  let needsDistrust = false;

  const heard = () => maxSilenceMs === undefined || now() - heardAt <= maxSilenceMs;

  /** Derives `live` from the three facts and acts on a change. */
  const update = () => {
    const live = subscribed && connected && heard();
    if (live === state.live) return;
    state.live = live;
    state.epoch++;
    if (!live) {
      state.distrustBefore = now();
      needsDistrust = true;
      logger.warn('subscription not live: caches that rely on it are bypassed until it is', { channel, connected });
      options.onGap?.();
    } else {
      if (needsDistrust) state.distrustBefore = now();
      logger.info('subscription live', { channel });
    }
  };

  const onMessage = (message: string) => {
    heardAt = now();
    update();
    options.onMessage(message);
  };

  if (maxSilenceMs !== undefined) {
    // Silence has to be looked for: nothing else happens when a subscription dies quietly.
    const check = setInterval(update, Math.max(50, Math.floor(maxSilenceMs / 4)));
    (check as { unref?: () => void }).unref?.();
  }

  const attempt = () => {
    kv.subscribe(channel, onMessage, {
      onInterrupt: () => {
        connected = false;
        update();
      },
      onResume: () => {
        connected = true;
        needsDistrust = true;
        update();
      },
    }).then(
      () => {
        // Subscribed only after failing: messages may have been missed meanwhile, as in a gap.
        if (retry.retried) needsDistrust = true;
        subscribed = true;
        heardAt = now();
        update();
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (message === 'Kv is closed') return;
        const delay = retry.next();
        logger.warn('subscription failed, retrying', { channel, error: message, retryInMs: delay });
        const timer = setTimeout(attempt, delay);
        // Never keep a process alive just to retry (Node; other runtimes have no unref).
        (timer as { unref?: () => void }).unref?.();
      },
    );
  };
  attempt();
  return state;
}
