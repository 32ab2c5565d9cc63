import type { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../../lib/config/common.ts';
import { DiscoveryFields } from '../../lib/config/discovery.ts';
import { csv, port, positiveInt } from '../../lib/config/fields.ts';
import { InternalKeyFields } from '../../lib/config/internal-key.ts';
import type { GatewayOptions } from './deps.ts';

/** The gateway's own behaviour; shared by its standalone config and the all-in-one runner's. */
export const GatewayBehaviourFields = {
  CORS_ORIGINS: csv(),
  BODY_LIMIT_BYTES: positiveInt(2 * 1024 * 1024),
  UPSTREAM_TIMEOUT_MS: positiveInt(60_000),
  HEALTH_TIMEOUT_MS: positiveInt(2_000),
};

/** The gateway's environment. Service URLs override what `SERVICE_DISCOVERY` derives. */
export const GatewayConfigSchema = CommonConfigSchema.extend({
  ...GatewayBehaviourFields,
  ...DiscoveryFields,
  ...InternalKeyFields,
  PORT: port(8666),
}).superRefine(commonChecks);

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

/** Origins the web UI is served from by default; browsers elsewhere need `CORS_ORIGINS`. */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:8080', 'http://127.0.0.1:8080'];

/** The gateway options a config describes. */
export function gatewayOptions(config: {
  CORS_ORIGINS?: string[] | undefined;
  BODY_LIMIT_BYTES: number;
  UPSTREAM_TIMEOUT_MS: number;
  HEALTH_TIMEOUT_MS: number;
}): GatewayOptions {
  return {
    corsOrigins: config.CORS_ORIGINS?.length ? config.CORS_ORIGINS : DEFAULT_CORS_ORIGINS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    healthTimeoutMs: config.HEALTH_TIMEOUT_MS,
  };
}
