import {
  encodeSessionRecord,
  encodeTokenVersionRecord,
  REVOCATIONS_CHANNEL,
  type Revocation,
  revocationKeys,
} from '../../../lib/auth/revocation.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { AuthDeps } from '../deps.ts';

export interface RevocationPublisherOptions {
  kv: Kv;
  logger: Logger;
  /** How long session and token-version records are kept: longer than any access token lives. */
  recordTtlMs: number;
  /** Pause between attempts while the KV refuses. Default 250 ms. */
  retryMs?: number;
  now?: () => number;
}

export interface RevocationPublisher {
  /**
   * For each revocation: updates its KV record (the gateways' shared view), then publishes it on
   * {@link REVOCATIONS_CHANNEL}. Resolves after the first attempt, so when the KV is up a revocation is in force when
   * this returns; whatever failed is retried in the background until it succeeds or no cached copy can outlive it.
   */
  announce(revocations: readonly Revocation[]): Promise<void>;
  /** Revocations waiting for the KV to come back. */
  readonly pending: number;
  /** Stops retrying (shutdown, tests). */
  stop(): void;
}

/** A gateway keeps an API key's verification at most 60 s in the KV and 30 s in memory. */
const API_KEY_CACHE_MAX_MS = 2 * 60_000;

interface Pending {
  revocation: Revocation;
  at: number;
  until: number;
}

const recordKey = (revocation: Revocation): string => {
  switch (revocation.type) {
    case 'api_key':
      return revocationKeys.apiKey(revocation.keyHash);
    case 'session':
      return revocationKeys.session(revocation.sessionId);
    case 'user':
      return revocationKeys.tokenVersion(revocation.userId);
  }
};

/**
 * Announces revocations to every gateway, surviving a KV outage: a failed announcement stays queued (one per KV
 * record, the newest winning) and is retried every `retryMs`, so it lands within moments of Redis coming back.
 * @example await createRevocationPublisher({ kv, logger, recordTtlMs: 960_000 }).announce([{ type: 'session', sessionId }]);
 */
export function createRevocationPublisher(options: RevocationPublisherOptions): RevocationPublisher {
  const { kv, logger } = options;
  const now = options.now ?? Date.now;
  const retryMs = options.retryMs ?? 250;
  const queue = new Map<string, Pending>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const apply = async ({ revocation, at }: Pending): Promise<void> => {
    const key = recordKey(revocation);
    const ttlMs = options.recordTtlMs;
    if (revocation.type === 'api_key') await kv.delete(key);
    else if (revocation.type === 'session') await kv.set(key, encodeSessionRecord({ state: 'ended', at }), { ttlMs });
    else await kv.set(key, encodeTokenVersionRecord({ version: revocation.tokenVersion, at }), { ttlMs });
    await kv.publish(REVOCATIONS_CHANNEL, JSON.stringify(revocation));
  };

  const attempt = async (key: string, item: Pending): Promise<boolean> => {
    try {
      await apply(item);
      if (queue.get(key) === item) queue.delete(key);
      return true;
    } catch (err) {
      if (!queue.has(key)) queue.set(key, item);
      logger.debug('revocation not announced yet', { type: item.revocation.type, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  };

  const schedule = () => {
    if (timer || stopped || queue.size === 0) return;
    timer = setTimeout(retry, retryMs);
    (timer as { unref?: () => void }).unref?.();
  };

  async function retry(): Promise<void> {
    timer = undefined;
    const t = now();
    for (const [key, item] of [...queue]) {
      if (item.until <= t) {
        queue.delete(key);
        logger.warn('revocation dropped after retrying until no cached copy could outlive it', { type: item.revocation.type });
        continue;
      }
      // One success means the KV is back: the rest go now too; one failure means it is not, wait for the next round.
      if (!(await attempt(key, item))) break;
    }
    if (queue.size === 0) logger.info('queued revocations announced');
    schedule();
  }

  return {
    async announce(revocations) {
      const at = now();
      let failed = 0;
      for (const revocation of revocations) {
        const key = recordKey(revocation);
        const until = at + (revocation.type === 'api_key' ? API_KEY_CACHE_MAX_MS : options.recordTtlMs);
        const item: Pending = { revocation, at, until };
        queue.set(key, item);
        if (!(await attempt(key, item))) failed++;
      }
      if (failed > 0) {
        logger.warn('revocations could not reach the KV; retrying until it is back (gateways ask the auth service meanwhile)', {
          failed,
          retryMs,
        });
        schedule();
      }
    },
    get pending() {
      return queue.size;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

const publishers = new WeakMap<AuthDeps, RevocationPublisher>();

/**
 * The publisher of these deps (one per auth service instance), with records kept for the access-token lifetime
 * plus a minute.
 * @example await revocationsFor(deps).announce([{ type: 'user', userId, tokenVersion }]);
 */
export function revocationsFor(deps: AuthDeps): RevocationPublisher {
  let publisher = publishers.get(deps);
  if (!publisher) {
    publisher = createRevocationPublisher({
      kv: deps.kv,
      logger: deps.logger,
      recordTtlMs: (deps.settings.accessTokenTtlS + 60) * 1000,
      now: deps.now,
    });
    publishers.set(deps, publisher);
  }
  return publisher;
}
