import { API_KEY_REVOKED_CHANNEL } from '../../auth/api-keys/events.ts';
import { hashApiKey, isApiKeyShape } from '../../auth/api-keys/key-format.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { parsePrincipal } from './auth-service.ts';
import { type Subscription, subscribeWithRetry } from './subscribe.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';

export interface ApiKeyVerifierOptions {
  kv: Kv;
  /** Asks the auth service (`POST /internal/api-keys/verify`); throws `CredentialStoreError` when it cannot answer. */
  verify: (key: string) => Promise<Principal | null>;
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
  /** Drops every cached verification of the key with this SHA-256 (hex), here and in the KV. */
  forget(keyHash: string): Promise<void>;
  /** Whether revocations are being received (until then, in-process copies are not used). */
  readonly listening: boolean;
}

interface Verdict {
  principal: Principal | null;
  /** When the verification that produced it started (ms since the epoch). */
  checkedAt: number;
}

const KEY_HASH = /^[0-9a-f]{64}$/;
const kvKey = (hash: string) => `gw:apikey:${hash}`;

function parseVerdict(raw: string): Verdict | undefined {
  try {
    const value = JSON.parse(raw) as { p?: unknown; at?: unknown };
    if (typeof value.at !== 'number') return undefined;
    if (value.p === null) return { principal: null, checkedAt: value.at };
    const principal = parsePrincipal(value.p);
    return principal ? { principal, checkedAt: value.at } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies API keys with two cache levels in front of the auth service: an in-process map (a warm key costs no
 * network round trip) and the KV (`gw:apikey:<sha-256>`, shared by gateway instances: 60 s for valid keys, 10 s for
 * unknown ones). Both are dropped when the auth service publishes the key's hash on `API_KEY_REVOKED_CHANNEL`, so a
 * revocation reaches every instance within a second; a verification that was in flight when the revocation arrived
 * is never cached. Concurrent verifications of one key share one call.
 * @example
 * const keys = createApiKeyVerifier({ kv, verify: (key) => auth.verifyApiKey(key), logger });
 * const principal = await keys.verify(c.req.header('x-api-key') ?? '');
 */
export function createApiKeyVerifier(options: ApiKeyVerifierOptions): ApiKeyVerifier {
  const { kv, logger } = options;
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
  const remember = (hash: string, verdict: Verdict) => {
    if (subscription.active) verdicts.set(hash, verdict, verdict.principal ? memoryTtlMs : memoryNegativeTtlMs);
  };

  const lookup = async (key: string, hash: string): Promise<Principal | null> => {
    const checkedAt = now();
    try {
      const raw = await kv.get(kvKey(hash));
      const cached = raw === null ? undefined : parseVerdict(raw);
      if (cached && !staleAfterRevocation(hash, cached)) {
        remember(hash, cached);
        return cached.principal;
      }
    } catch (err) {
      logger.debug('api key cache unavailable, asking the auth service', { error: err instanceof Error ? err.message : String(err) });
    }
    const principal = await options.verify(key);
    const verdict: Verdict = { principal, checkedAt };
    if (!staleAfterRevocation(hash, verdict)) {
      remember(hash, verdict);
      const ttlMs = principal ? kvTtlMs : kvNegativeTtlMs;
      await kv.set(kvKey(hash), JSON.stringify({ p: principal, at: checkedAt }), { ttlMs }).catch((err: unknown) => {
        logger.debug('api key cache write failed', { error: err instanceof Error ? err.message : String(err) });
      });
    }
    return principal;
  };

  const forget = async (hash: string) => {
    revokedAt.set(hash, now(), 5 * 60_000);
    verdicts.delete(hash);
    await kv.delete(kvKey(hash)).catch((err: unknown) => {
      logger.warn('api key cache entry could not be dropped', { error: err instanceof Error ? err.message : String(err) });
    });
  };

  const subscription: Subscription = subscribeWithRetry(
    kv,
    API_KEY_REVOKED_CHANNEL,
    (message) => {
      let keyHash: unknown;
      try {
        keyHash = (JSON.parse(message) as { keyHash?: unknown }).keyHash;
      } catch {
        keyHash = undefined;
      }
      if (typeof keyHash === 'string' && KEY_HASH.test(keyHash)) void forget(keyHash);
      else logger.warn('ignored a malformed api key revocation', { channel: API_KEY_REVOKED_CHANNEL });
    },
    logger,
  );

  return {
    async verify(key) {
      if (!isApiKeyShape(key)) return null;
      let hash = hashes.get(key);
      if (hash === undefined) {
        hash = await hashApiKey(key);
        hashes.set(key, hash, memoryTtlMs);
      }
      if (subscription.active) {
        const verdict = verdicts.get(hash);
        if (verdict) return verdict.principal;
      }
      let pending = inflight.get(hash);
      if (!pending) {
        pending = lookup(key, hash).finally(() => inflight.delete(hash));
        inflight.set(hash, pending);
      }
      return pending;
    },
    forget,
    get listening() {
      return subscription.active;
    },
  };
}
