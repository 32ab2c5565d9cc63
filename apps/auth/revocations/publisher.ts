import {
  API_KEY_MARKER_TTL_MS,
  encodeApiKeyMarker,
  encodeSessionRecord,
  encodeTokenVersionRecord,
  HEARTBEAT_MESSAGE,
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
   * For each revocation: writes its KV record (the gateways' shared view) and publishes it on
   * {@link REVOCATIONS_CHANNEL} — each part on its own, so a KV that refuses writes (full, read-only) still carries the
   * message. Resolves after the first attempt, so when the KV is up a revocation is in force when this returns;
   * whatever failed is retried in the background until it lands or no cached copy can outlive it.
   */
  announce(revocations: readonly Revocation[]): Promise<void>;
  /** Publishes a heartbeat now and every `intervalMs`: gateways trust their feed only while they hear one. */
  startHeartbeat(intervalMs?: number): () => void;
  /** Revocations waiting for the KV to come back. */
  readonly pending: number;
  /** Stops retrying and the heartbeat (shutdown, tests). */
  stop(): void;
}

/** A gateway keeps an API key's verification at most 60 s in the KV and 30 s in memory. */
const API_KEY_CACHE_MAX_MS = 2 * 60_000;
/** How often the heartbeat goes out; gateways count 3.5 of these as silence. */
export const HEARTBEAT_INTERVAL_MS = 1_000;

interface Pending {
  revocation: Revocation;
  /** The record still has to be written. */
  record: boolean;
  /** The message still has to be published. */
  publish: boolean;
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

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Announces revocations to every gateway, surviving a KV outage: a failed part stays queued (one item per KV record)
 * and is retried every `retryMs`, so it lands within moments of Redis coming back. A user's token version never goes
 * back: an older version is dropped once a newer one was announced. Records carry the time they were written, so a
 * gateway that missed messages trusts them again once they are newer than its gap.
 * @example await createRevocationPublisher({ kv, logger, recordTtlMs: 960_000 }).announce([{ type: 'session', sessionId }]);
 */
export function createRevocationPublisher(options: RevocationPublisherOptions): RevocationPublisher {
  const { kv, logger } = options;
  const now = options.now ?? Date.now;
  const retryMs = options.retryMs ?? 250;
  const queue = new Map<string, Pending>();
  /** The highest token version announced per user (until its record can no longer matter). */
  const highest = new Map<string, { version: number; until: number }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const heartbeats = new Set<ReturnType<typeof setInterval>>();
  let stopped = false;

  const writeRecord = async (revocation: Revocation): Promise<void> => {
    const key = recordKey(revocation);
    const at = now();
    if (revocation.type === 'api_key') {
      // Not a delete: a verification in flight elsewhere cannot put a stale verdict back (gateways write only if absent).
      await kv.set(key, encodeApiKeyMarker({ revoked: revocation.reason === 'revoked', at }), { ttlMs: API_KEY_MARKER_TTL_MS });
    } else if (revocation.type === 'session') {
      await kv.set(key, encodeSessionRecord({ state: 'ended', at }), { ttlMs: options.recordTtlMs });
    } else {
      await kv.set(key, encodeTokenVersionRecord({ version: revocation.tokenVersion, at }), { ttlMs: options.recordTtlMs });
    }
  };

  /** One attempt at what is left of `item`; true when nothing is left. */
  const attempt = async (key: string, item: Pending): Promise<boolean> => {
    if (item.record) {
      try {
        await writeRecord(item.revocation);
        item.record = false;
      } catch (err) {
        logger.debug('revocation record not written yet', { type: item.revocation.type, error: errorMessage(err) });
      }
    }
    if (item.publish) {
      try {
        await kv.publish(REVOCATIONS_CHANNEL, JSON.stringify(item.revocation));
        item.publish = false;
      } catch (err) {
        logger.debug('revocation not published yet', { type: item.revocation.type, error: errorMessage(err) });
      }
    }
    const done = !item.record && !item.publish;
    if (done && queue.get(key) === item) queue.delete(key);
    return done;
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
        logger.error('revocation dropped after retrying until no cached copy could outlive it', { type: item.revocation.type });
        continue;
      }
      // One success means the KV is back: the rest go now too; one failure means it is not, wait for the next round.
      if (!(await attempt(key, item))) break;
    }
    if (queue.size === 0) logger.info('queued revocations announced');
    schedule();
  }

  /** Queues `revocation` (replacing what it supersedes); `undefined` when a newer announcement supersedes it. */
  const enqueue = (revocation: Revocation, at: number): [string, Pending] | undefined => {
    const until = at + (revocation.type === 'api_key' ? API_KEY_CACHE_MAX_MS : options.recordTtlMs);
    if (revocation.type === 'user') {
      const known = highest.get(revocation.userId);
      if (known && known.version >= revocation.tokenVersion) return undefined;
      highest.set(revocation.userId, { version: revocation.tokenVersion, until });
    }
    const key = recordKey(revocation);
    const item: Pending = { revocation, record: true, publish: true, until };
    queue.set(key, item);
    return [key, item];
  };

  return {
    async announce(revocations) {
      const at = now();
      for (const [userId, entry] of highest) if (entry.until <= at) highest.delete(userId);
      let failed = false;
      for (const revocation of revocations) {
        const queued = enqueue(revocation, at);
        // After one failure, queue the rest without waiting for each to fail too (a black-holed Redis times out).
        if (queued && !failed && !(await attempt(...queued))) failed = true;
      }
      if (failed || queue.size > 0) {
        if (failed) {
          logger.warn('revocations could not reach the KV; retrying until it takes them (gateways ask the auth service meanwhile)', {
            pending: queue.size,
            retryMs,
          });
        }
        schedule();
      }
    },
    startHeartbeat(intervalMs = HEARTBEAT_INTERVAL_MS) {
      const beat = () => {
        if (stopped) return;
        kv.publish(REVOCATIONS_CHANNEL, HEARTBEAT_MESSAGE).catch((err: unknown) => {
          logger.debug('revocation heartbeat not published', { error: errorMessage(err) });
        });
      };
      beat();
      const interval = setInterval(beat, intervalMs);
      (interval as { unref?: () => void }).unref?.();
      heartbeats.add(interval);
      return () => {
        clearInterval(interval);
        heartbeats.delete(interval);
      };
    },
    get pending() {
      return queue.size;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const interval of heartbeats) clearInterval(interval);
      heartbeats.clear();
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

/**
 * Starts this auth instance's revocation heartbeat (what tells gateways their feed works end to end); the entry
 * stops it at shutdown.
 * @example onShutdown(startRevocationHeartbeat(deps));
 */
export function startRevocationHeartbeat(deps: AuthDeps): () => void {
  return revocationsFor(deps).startHeartbeat();
}
