import { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../../lib/config/common.ts';
import { DiscoveryFields } from '../../lib/config/discovery.ts';
import { bool, csv, port, positiveInt } from '../../lib/config/fields.ts';
import { InternalKeyFields } from '../../lib/config/internal-key.ts';
import type { Role } from '../../lib/auth/types.ts';
import type { GatewayOptions } from './deps.ts';
import { parseRoleOverrides, type RateLimitSettings } from './ratelimit/rules.ts';

/** The auth service's default `AUTH_ISSUER` (`DEFAULT_AUTH_ISSUER` in apps/auth/config.ts): what the gateway accepts unless told. */
export const DEFAULT_AUTH_ISSUER = 'https://auth.gaia.local';

const roleOverrides = () =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return parseRoleOverrides(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `must be role=limit pairs, e.g. admin=6000,viewer=120: ${(err as Error).message}` });
        return z.NEVER;
      }
    })
    .optional();

/** The gateway's own behaviour; shared by its standalone config and the all-in-one runner's. */
export const GatewayBehaviourFields = {
  CORS_ORIGINS: csv(),
  BODY_LIMIT_BYTES: positiveInt(2 * 1024 * 1024),
  UPSTREAM_TIMEOUT_MS: positiveInt(60_000),
  HEALTH_TIMEOUT_MS: positiveInt(2_000),
  TRUST_PROXY: bool(false),
  RATE_LIMIT_PER_MINUTE: positiveInt(600),
  RATE_LIMIT_ANON_PER_MINUTE: positiveInt(60),
  RATE_LIMIT_LOGIN_PER_MINUTE: positiveInt(10),
  RATE_LIMIT_ROLE_OVERRIDES: roleOverrides(),
};

/**
 * Which bearer tokens the gateway accepts: ours (`AUTH_ISSUER`, as the auth service is configured) and, when set,
 * Supabase's. The all-in-one runner takes the same variables from the auth service's fields.
 */
export const GatewayIdentityFields = {
  AUTH_ISSUER: z.url({ protocol: /^https?$/, message: 'must be the AUTH_ISSUER of the auth service, an http(s) URL' }).default(DEFAULT_AUTH_ISSUER),
  SUPABASE_URL: z.url({ protocol: /^https?$/, message: 'must be the project URL, e.g. https://<project>.supabase.co' }).optional(),
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be the project JWT secret (at least 32 characters)').optional(),
};

/** The gateway's environment. Service URLs override what `SERVICE_DISCOVERY` derives. */
export const GatewayConfigSchema = CommonConfigSchema.extend({
  ...GatewayBehaviourFields,
  ...GatewayIdentityFields,
  ...DiscoveryFields,
  ...InternalKeyFields,
  PORT: port(8666),
}).superRefine(commonChecks);

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

/** Origins the web UI is served from by default; browsers elsewhere need `CORS_ORIGINS`. */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:8080', 'http://127.0.0.1:8080'];

/** The gateway options a config describes (the gateway's own config, or the all-in-one runner's). */
export function gatewayOptions(config: {
  CORS_ORIGINS?: string[] | undefined;
  BODY_LIMIT_BYTES: number;
  UPSTREAM_TIMEOUT_MS: number;
  HEALTH_TIMEOUT_MS: number;
  TRUST_PROXY?: boolean | undefined;
  RATE_LIMIT_PER_MINUTE?: number | undefined;
  RATE_LIMIT_ANON_PER_MINUTE?: number | undefined;
  RATE_LIMIT_LOGIN_PER_MINUTE?: number | undefined;
  RATE_LIMIT_ROLE_OVERRIDES?: Partial<Record<Role, number>> | undefined;
  AUTH_ISSUER?: string | undefined;
  SUPABASE_URL?: string | undefined;
  SUPABASE_JWT_SECRET?: string | undefined;
}): GatewayOptions {
  const rateLimits: Partial<RateLimitSettings> = {
    ...(config.RATE_LIMIT_PER_MINUTE ? { perMinute: config.RATE_LIMIT_PER_MINUTE } : {}),
    ...(config.RATE_LIMIT_ANON_PER_MINUTE ? { anonPerMinute: config.RATE_LIMIT_ANON_PER_MINUTE } : {}),
    ...(config.RATE_LIMIT_LOGIN_PER_MINUTE ? { loginPerMinute: config.RATE_LIMIT_LOGIN_PER_MINUTE } : {}),
    ...(config.RATE_LIMIT_ROLE_OVERRIDES ? { roleOverrides: config.RATE_LIMIT_ROLE_OVERRIDES } : {}),
  };
  const supabase = {
    ...(config.SUPABASE_URL ? { url: config.SUPABASE_URL } : {}),
    ...(config.SUPABASE_JWT_SECRET ? { jwtSecret: config.SUPABASE_JWT_SECRET } : {}),
  };
  return {
    corsOrigins: config.CORS_ORIGINS?.length ? config.CORS_ORIGINS : DEFAULT_CORS_ORIGINS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    healthTimeoutMs: config.HEALTH_TIMEOUT_MS,
    trustProxy: config.TRUST_PROXY === true,
    rateLimits,
    ...(config.AUTH_ISSUER ? { authIssuer: config.AUTH_ISSUER } : {}),
    ...(supabase.url || supabase.jwtSecret ? { supabase } : {}),
  };
}
