import { DEFAULT_INTERNAL_TTL_SECONDS, signInternalToken } from './internal-token.ts';
import type { SigningKey } from './signing-keys.ts';
import type { Principal } from './types.ts';
import type { ServiceName } from '../service/types.ts';
import { TtlCache } from '../cache/ttl-cache.ts';

/** Who calls a service when nobody authenticated: services let it reach their public routes only. */
export const ANONYMOUS_PRINCIPAL: Readonly<Principal> = Object.freeze({
  userId: 'anonymous',
  email: null,
  roles: [],
  authType: 'anonymous',
});

export interface IdentityTokensOptions {
  /** Lifetime of each token in seconds. Default 60 (what services accept, with their clock tolerance). */
  ttlSeconds?: number;
  /** How long a signed token is reused, in ms: part of its lifetime. Default half of it. */
  reuseMs?: number;
  /** Most tokens kept. Default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

export interface IdentityTokens {
  /** The internal token carrying `principal` to `audience` (signed, or reused while young enough). */
  get(principal: Principal, audience: ServiceName): Promise<string>;
}

const cacheKey = (p: Principal, audience: ServiceName) =>
  `${audience}\u0000${p.authType}\u0000${p.userId}\u0000${p.keyId ?? ''}\u0000${p.email ?? ''}\u0000${p.roles.join(',')}`;

/**
 * Signs the `X-Gaia-Identity` tokens the gateway forwards, caching each per (principal, audience) for part of its
 * lifetime: an Ed25519 signature per request is measurable, a map lookup is not. Concurrent requests for the same
 * pair share one signature.
 * @example
 * const tokens = createIdentityTokens(deps.internalKey);
 * headers.set(INTERNAL_TOKEN_HEADER, await tokens.get(principal, 'kb'));
 */
export function createIdentityTokens(key: SigningKey, options: IdentityTokensOptions = {}): IdentityTokens {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_INTERNAL_TTL_SECONDS;
  const reuseMs = options.reuseMs ?? (ttlSeconds * 1000) / 2;
  const now = options.now ?? Date.now;
  const cache = new TtlCache<string, Promise<string>>(options.maxEntries ?? 10_000, now);

  return {
    get(principal, audience) {
      const id = cacheKey(principal, audience);
      const cached = cache.get(id);
      if (cached) return cached;
      const signed = signInternalToken(key, principal, { audience, ttlSeconds, now: now() });
      cache.set(id, signed, reuseMs);
      signed.catch(() => cache.delete(id));
      return signed;
    },
  };
}
