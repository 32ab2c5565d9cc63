import { hashApiKey, isApiKeyShape } from '../../../lib/auth/api-key-format.ts';
import { isPrivileged } from '../../../lib/auth/rbac.ts';
import { parseApiKeyMarker, revocationKeys } from '../../../lib/auth/revocation.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { parsePrincipal, type VerifiedKey } from './auth-service.ts';
import type { RevocationFeed } from './revocation-feed.ts';

export interface ApiKeyVerifierOptions {
  kv: Kv;
  /** Whether revocations are being received (in-process copies are used only then). */
  feed: RevocationFeed;
  /** Asks the auth service (`POST /internal/api-keys/verify`); throws `CredentialStoreError` when it cannot answer. */
  verify: (key: string) => Promise<VerifiedKey | null>;
  logger: Logger;
  /** How long a valid key's verification is kept in the KV. Default 60 s. */
  kvTtlMs?: number;
  /** How long an unknown key is remembered as such in the KV. Default 10 s. */
  kvNegativeTtlMs?: number;
  /** In-process copies: valid keys. Default 30 s. */
  memoryTtlMs?: number;
  /** In-process copies: unknown keys. Default 5 s. */
  memoryNegativeTtlMs?: number;
  /** Most keys kept in process. Default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

export interface ApiKeyVerifier {
  /** The key's principal, `null` when the key does not authenticate; throws `CredentialStoreError` on store failure. */
  verify(key: string): Promise<Principal | null>;
  /** The key with this SHA-256 (hex) was revoked: drops this process's copy, and never caches a verification in flight. */
  forget(keyHash: string): void;
  /** The revocation feed had a gap: drops every in-process copy. */
  dropMemory(): void;
}

interface Verdict {
  principal: Principal | null;
  /** When the verification that produced it started (ms since the epoch). */
  checkedAt: number;
  /** When the key stops working by itself (expiry, end of a rotation grace): no copy is kept past it. */
  until: number | null;
}

const kvKey = revocationKeys.apiKey;

/** What the KV holds for a key: a gateway's verdict, or the auth service's marker over it. */
type KvRecord = { kind: 'verdict'; verdict: Verdict } | { kind: 'marker'; revoked: boolean } | undefined;

function parseRecord(raw: string): KvRecord {
  const marker = parseApiKeyMarker(raw);
  if (marker) return { kind: 'marker', revoked: marker.revoked };
  const verdict = parseVerdict(raw);
  return verdict ? { kind: 'verdict', verdict } : undefined;
}

function parseVerdict(raw: string): Verdict | undefined {
  try {
    const value = JSON.parse(raw) as { p?: unknown; at?: unknown; u?: unknown };
    if (typeof value.at !== 'number') return undefined;
    const until = typeof value.u === 'number' ? value.u : null;
    if (value.p === null) return { principal: null, checkedAt: value.at, until };
    const principal = parsePrincipal(value.p);
    return principal ? { principal, checkedAt: value.at, until } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies API keys with two cache levels in front of the auth service: an in-process map (a warm key costs no
 * network round trip) and the KV (`gw:apikey:<sha-256>`, shared by gateway instances: 60 s for valid keys, 10 s for
 * unknown ones). A revocation (on the feed) drops the in-process copy; the auth service writes a marker over the KV
 * record itself (revoked, or changed: ask again), retrying until Redis takes it, and no verification writes over a
 * marker. In-process copies are used only while the feed is live, never for a
 * privileged principal (an admin's key is checked in the KV on every request, so a demotion counts at once), and a
 * KV record older than the feed's last gap is checked again. A verification in flight during a revocation or a gap
 * is never cached. Concurrent verifications of one key share one call.
 * @example
 * const keys = createApiKeyVerifier({ kv, feed, verify: (key) => auth.verifyApiKey(key), logger });
 * const principal = await keys.verify(c.req.header('x-api-key') ?? '');
 */
export function createApiKeyVerifier(options: ApiKeyVerifierOptions): ApiKeyVerifier {
  const { kv, logger, feed } = options;
  const now = options.now ?? Date.now;
  const kvTtlMs = options.kvTtlMs ?? 60_000;
  const kvNegativeTtlMs = options.kvNegativeTtlMs ?? 10_000;
  const memoryTtlMs = options.memoryTtlMs ?? 30_000;
  const memoryNegativeTtlMs = options.memoryNegativeTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;

  const hashes = new TtlCache<string, string>(maxEntries, now);
  const verdicts = new TtlCache<string, Verdict>(maxEntries, now);
  /** Hash → when its revocation arrived; kept longer than any cached verdict lives. */
  const revokedAt = new TtlCache<string, number>(maxEntries, now);
  const inflight = new Map<string, Promise<Principal | null>>();

  const staleAfterRevocation = (hash: string, verdict: Verdict) => (revokedAt.get(hash) ?? Number.NEGATIVE_INFINITY) >= verdict.checkedAt;
  const left = (verdict: Verdict) => (verdict.until === null ? Number.POSITIVE_INFINITY : verdict.until - now());
  const remember = (hash: string, verdict: Verdict, epoch: number) => {
    const ttlMs = Math.min(verdict.principal ? memoryTtlMs : memoryNegativeTtlMs, left(verdict));
    if (feed.live && feed.epoch === epoch) verdicts.set(hash, verdict, ttlMs);
  };

  const lookup = async (key: string, hash: string): Promise<Principal | null> => {
    const checkedAt = now();
    const epoch = feed.epoch;
    try {
      const raw = await kv.get(kvKey(hash));
      const record = raw === null ? undefined : parseRecord(raw);
      // The auth service revoked the key: refused without asking (a marker for a changed key means "ask").
      if (record?.kind === 'marker' && record.revoked) return null;
      const cached = record?.kind === 'verdict' ? record.verdict : undefined;
      if (cached && cached.checkedAt >= feed.distrustBefore && !staleAfterRevocation(hash, cached)) {
        remember(hash, cached, epoch);
        return cached.principal;
      }
    } catch (err) {
      logger.debug('api key cache unavailable, asking the auth service', { error: err instanceof Error ? err.message : String(err) });
    }
    const verified = await options.verify(key);
    const principal = verified?.principal ?? null;
    const verdict: Verdict = { principal, checkedAt, until: verified?.validUntil ?? null };
    if (!staleAfterRevocation(hash, verdict) && feed.epoch === epoch) {
      remember(hash, verdict, epoch);
      // No copy outlives the key's own end (expiry, or the rotation grace).
      const ttlMs = Math.min(principal ? kvTtlMs : kvNegativeTtlMs, left(verdict));
      // Only where nothing is: never over the auth service's marker, nor a verdict another instance just wrote.
      const record = JSON.stringify({ p: principal, at: checkedAt, ...(verdict.until === null ? {} : { u: verdict.until }) });
      if (ttlMs > 0) {
        await kv.set(kvKey(hash), record, { ttlMs, ifAbsent: true }).catch((err: unknown) => {
          logger.debug('api key cache write failed', { error: err instanceof Error ? err.message : String(err) });
        });
      }
    }
    return principal;
  };

  return {
    async verify(key) {
      if (!isApiKeyShape(key)) return null;
      let hash = hashes.get(key);
      if (hash === undefined) {
        hash = await hashApiKey(key);
        hashes.set(key, hash, memoryTtlMs);
      }
      if (feed.live) {
        const verdict = verdicts.get(hash);
        if (verdict && !(verdict.principal && isPrivileged(verdict.principal))) return verdict.principal;
      }
      let pending = inflight.get(hash);
      if (!pending) {
        pending = lookup(key, hash).finally(() => inflight.delete(hash));
        inflight.set(hash, pending);
      }
      return pending;
    },
    forget(hash) {
      revokedAt.set(hash, now(), 5 * 60_000);
      verdicts.delete(hash);
    },
    dropMemory() {
      verdicts.clear();
    },
  };
}
