import type { SigningKey } from '../../lib/auth/signing-keys.ts';
import type { AssetSource } from '../../lib/http/assets.ts';
import type { Logger } from '../../lib/logging/logger.ts';
import type { Readiness } from '../../lib/readiness/readiness.ts';
import type { ServiceClient, ServiceName } from '../../lib/service/types.ts';

/** A health probe of a backing store: resolves when it answers, rejects with the reason otherwise. */
export type Probe = () => Promise<void>;

export interface GatewayOptions {
  /** Allowed browser origins; `['*']` allows any. */
  corsOrigins: string[];
  bodyLimitBytes: number;
  /** Time allowed for a service to send response headers (streams may then last longer). */
  upstreamTimeoutMs: number;
  healthTimeoutMs: number;
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
  internalKey?: SigningKey;
}
