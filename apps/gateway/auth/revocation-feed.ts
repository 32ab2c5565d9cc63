import { isHeartbeat, parseRevocation, REVOCATIONS_CHANNEL, type Revocation } from '../../../lib/auth/revocation.ts';
import { type LiveSubscription, subscribeLive } from '../../../lib/kv/live-subscription.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';

/** The auth service's revocations as the gateway receives them: what its credential caches may trust. */
export type RevocationFeed = LiveSubscription;

export interface RevocationFeedOptions {
  kv: Kv;
  logger: Logger;
  onRevocation: (revocation: Revocation) => void;
  /** The feed stopped being live: drop every in-process copy that relied on it. */
  onGap: () => void;
  /** Live only while a heartbeat (auth publishes one a second) arrived within this. Default 3.5 s. */
  maxSilenceMs?: number;
  now?: () => number;
}

/**
 * Follows {@link REVOCATIONS_CHANNEL}: each well-formed revocation goes to `onRevocation`, heartbeats keep the feed
 * live, anything else is logged. Without a heartbeat for `maxSilenceMs` — the auth service cannot publish, the
 * subscription died without telling, or the auth service shares no Redis with this gateway — the feed is not live,
 * and credentials are checked in the KV or with the auth service instead of memory.
 * @example const feed = createRevocationFeed({ kv, logger, onRevocation: (r) => ..., onGap: () => cache.clear() });
 */
export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const { logger } = options;
  return subscribeLive({
    kv: options.kv,
    channel: REVOCATIONS_CHANNEL,
    logger,
    onGap: options.onGap,
    maxSilenceMs: options.maxSilenceMs ?? 3_500,
    ...(options.now ? { now: options.now } : {}),
    onMessage(message) {
      if (isHeartbeat(message)) return;
      const revocation = parseRevocation(message);
      if (revocation) options.onRevocation(revocation);
      else logger.warn('ignored a malformed revocation message', { channel: REVOCATIONS_CHANNEL });
    },
  });
}
