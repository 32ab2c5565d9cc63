import type { SigningKey } from '../../lib/auth/signing-keys.ts';
import type { AssetSource } from '../../lib/http/assets.ts';
import type { Kv } from '../../lib/kv/types.ts';
import type { Logger } from '../../lib/logging/logger.ts';
import type { RateLimiter } from '../../lib/ratelimit/types.ts';
import type { Readiness } from '../../lib/readiness/readiness.ts';
import type { ServiceClient, ServiceName } from '../../lib/service/types.ts';
import type { SupabaseSettings } from './auth/bearer-tokens.ts';
import type { RateLimitSettings } from './ratelimit/rules.ts';

/** A health probe of a backing store: resolves when it answers, rejects with the reason otherwise. */
export type Probe = () => Promise<void>;

export interface GatewayOptions {
  /** Allowed browser origins; `['*']` allows any. */
  corsOrigins: string[];
  bodyLimitBytes: number;
  /** Time allowed for a service to send response headers (streams may then last longer). */
  upstreamTimeoutMs: number;
  healthTimeoutMs: number;
  /** `iss` of the access tokens the auth service issues (its `AUTH_ISSUER`). Default `https://auth.gaia.local`. */
  authIssuer?: string;
  /** Accept Supabase access tokens (HS256 with the shared secret, ES256/RS256 with the project's JWKS). */
  supabase?: SupabaseSettings;
  /**
   * Behind a proxy that sets `Fly-Client-IP` / `X-Forwarded-For` (Fly's edge): take the client IP from them (rate
   * limits) and keep the caller's `X-Forwarded-*` when proxying. Default false: the connection's address.
   */
  trustProxy?: boolean;
  /** Requests per minute per caller; unset fields take `DEFAULT_RATE_LIMITS`. */
  rateLimits?: Partial<RateLimitSettings>;
  /**
   * Whether the auth service writes and publishes to this gateway's KV (default true: the same Redis/Upstash, or the
   * same in-process memory KV under `npm start`). False for a gateway alone on its own memory KV: no revocation can
   * reach it, so what it caches of sessions lives seconds, not minutes.
   */
  kvSharedWithAuth?: boolean;
}

/** Everything the gateway needs, built once per process by an entry file (Node, Deno, all-in-one). */
export interface GatewayDeps {
  logger: Logger;
  readiness: Readiness;
  services: Record<ServiceName, ServiceClient>;
  /**
   * Backing stores the health route reports on. Without a database probe the database is reported as the auth
   * service sees it; `redis` is reported only when a Redis (or Upstash) is configured.
   */
  probes: { database?: Probe; redis?: Probe };
  /** Swagger UI's files (from the `swagger-ui-dist` package), for `/docs`. */
  docsAssets: AssetSource;
  options: GatewayOptions;
  /** Signs the internal identity tokens forwarded to services (the auth service publishes its public half). */
  internalKey: SigningKey;
  /**
   * Shared by gateway instances: API-key verifications, provisioned users, cached responses, and the pub/sub that
   * invalidates them (key revocations, cache tags).
   */
  kv: Kv;
  /** Counts requests against the limits in `options.rateLimits` (Redis or Upstash when several instances run). */
  rateLimiter: RateLimiter;
}
