import { z } from 'zod';
import { DiscoveryFields } from './discovery.ts';
import { logLevel, port, positiveInt, postgresUrl, redisUrl } from './fields.ts';

/**
 * Variables every service process understands (the README's table lists them all).
 * Services extend this with their own fields.
 */
export const CommonConfigSchema = z.object({
  PORT: port(8000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: logLevel(),
  DATA_DIR: z.string().default('./.data'),
  DATABASE_URL: postgresUrl(),
  DATABASE_POOL_MAX: positiveInt(10),
  REDIS_URL: redisUrl(),
  UPSTASH_REDIS_REST_URL: z.url({ message: 'must be the https:// REST URL of the Upstash database' }).optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  MTLS_CA_FILE: z.string().optional(),
  MTLS_CERT_FILE: z.string().optional(),
  MTLS_KEY_FILE: z.string().optional(),
});

export type CommonConfig = z.infer<typeof CommonConfigSchema>;

/** The variables that turn on mTLS between services (Node only): PEM files of the CA, this service's certificate and key. */
export const MTLS_VARIABLES = ['MTLS_CA_FILE', 'MTLS_CERT_FILE', 'MTLS_KEY_FILE'] as const;

/** Why a partial MTLS set is refused (shared with `loadMtls`). */
export const MTLS_ALL_OR_NONE = 'not set, but mTLS needs MTLS_CA_FILE, MTLS_CERT_FILE and MTLS_KEY_FILE together (or none of them)';

export type MtlsFiles = { [K in (typeof MTLS_VARIABLES)[number]]?: string | undefined };

/**
 * The MTLS variables missing from a partial set: `[]` when all three or none are set (empty counts as unset).
 * @example missingMtlsVariables({ MTLS_CA_FILE: 'ca.pem' }) // ['MTLS_CERT_FILE', 'MTLS_KEY_FILE']
 */
export function missingMtlsVariables(config: MtlsFiles): (typeof MTLS_VARIABLES)[number][] {
  const missing = MTLS_VARIABLES.filter((name) => !config[name]);
  return missing.length === MTLS_VARIABLES.length ? [] : missing;
}

/**
 * Cross-field rules of the common variables; end every service schema with `.superRefine(commonChecks)`
 * (zod can't extend a schema that already has refinements).
 */
export function commonChecks(
  config: { UPSTASH_REDIS_REST_URL?: string | undefined; UPSTASH_REDIS_REST_TOKEN?: string | undefined } & MtlsFiles,
  ctx: z.RefinementCtx,
): void {
  if (!config.UPSTASH_REDIS_REST_URL !== !config.UPSTASH_REDIS_REST_TOKEN) {
    ctx.addIssue({
      code: 'custom',
      message: 'UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together',
      path: ['UPSTASH_REDIS_REST_TOKEN'],
    });
  }
  for (const name of missingMtlsVariables(config)) {
    ctx.addIssue({ code: 'custom', message: MTLS_ALL_OR_NONE, path: [name] });
  }
}

/** The config of an internal service that needs nothing beyond the common variables and discovery (yet). */
export const ServiceConfigSchema = CommonConfigSchema.extend(DiscoveryFields).superRefine(commonChecks);
