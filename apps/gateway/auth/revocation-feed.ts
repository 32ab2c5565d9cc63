import { parseRevocation, REVOCATIONS_CHANNEL, type Revocation } from '../../../lib/auth/revocation.ts';
import { type LiveSubscription, subscribeLive } from '../../../lib/kv/live-subscription.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';

/** The auth service's revocations as the gateway receives them: what its credential caches may trust. */
export type RevocationFeed = LiveSubscription;

export interface RevocationFeedOptions {
  kv: Kv;
  logger: Logger;
  onRevocation: (revocation: Revocation) => void;
  /** The subscription dropped: drop every in-process copy that relied on it. */
  onGap: () => void;
  now?: () => number;
}

/**
 * Follows {@link REVOCATIONS_CHANNEL}: each well-formed message goes to `onRevocation`, a malformed one is logged.
 * @example const feed = createRevocationFeed({ kv, logger, onRevocation: (r) => ..., onGap: () => cache.clear() });
 */
export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const { logger } = options;
  return subscribeLive({
    kv: options.kv,
    channel: REVOCATIONS_CHANNEL,
    logger,
    onGap: options.onGap,
    ...(options.now ? { now: options.now } : {}),
    onMessage(message) {
      const revocation = parseRevocation(message);
      if (revocation) options.onRevocation(revocation);
      else logger.warn('ignored a malformed revocation message', { channel: REVOCATIONS_CHANNEL });
    },
  });
}
