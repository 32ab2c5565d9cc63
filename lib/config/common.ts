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
});

export type CommonConfig = z.infer<typeof CommonConfigSchema>;

/**
 * Cross-field rules of the common variables; end every service schema with `.superRefine(commonChecks)`
 * (zod can't extend a schema that already has refinements).
 */
export function commonChecks(
  config: { UPSTASH_REDIS_REST_URL?: string | undefined; UPSTASH_REDIS_REST_TOKEN?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!config.UPSTASH_REDIS_REST_URL !== !config.UPSTASH_REDIS_REST_TOKEN) {
    ctx.addIssue({
      code: 'custom',
      message: 'UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together',
      path: ['UPSTASH_REDIS_REST_TOKEN'],
    });
  }
}

/** The config of an internal service that needs nothing beyond the common variables and discovery (yet). */
export const ServiceConfigSchema = CommonConfigSchema.extend(DiscoveryFields).superRefine(commonChecks);
