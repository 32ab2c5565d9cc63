import { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../../lib/config/common.ts';
import { bool, csv, positiveInt } from '../../lib/config/fields.ts';
import { InternalKeyFields } from '../../lib/config/internal-key.ts';
import type { AuthSettings, SupabaseSettings } from './deps.ts';

/** `iss` of the tokens we issue (and that the gateway accepts) unless `AUTH_ISSUER` says otherwise. */
export const DEFAULT_AUTH_ISSUER = 'https://auth.gaia.local';

/** Identity settings shared by the auth service's config and the all-in-one runner's. */
export const AuthFields = {
  AUTH_ISSUER: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL, e.g. https://auth.example.com' }).default(DEFAULT_AUTH_ISSUER),
  ACCESS_TOKEN_TTL_S: positiveInt(900),
  REFRESH_TOKEN_TTL_S: positiveInt(30 * 24 * 3600),
  API_KEY_ENV: z.string().regex(/^[a-z0-9]{1,12}$/, '1-12 lowercase letters or digits, e.g. live or test').default('live'),
  SIGNING_KEY_ROTATION_DAYS: positiveInt(30),
  SIGNING_KEY_OVERLAP_S: positiveInt(24 * 3600),
  REQUIRE_EMAIL_CONFIRMATION: bool(true),
  ALLOWED_EMAIL_DOMAINS: csv(),
  BOOTSTRAP_ADMIN_EMAIL: z.email({ message: 'must be an email address' }).optional(),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  BOOTSTRAP_ADMIN_API_KEY: z.string().regex(/^gaia_[a-z0-9]+_[A-Za-z0-9]{22,64}$/, 'must look like gaia_<env>_<random>').optional(),
  ...InternalKeyFields,
  SUPABASE_URL: z.url({ protocol: /^https?$/, message: 'must be the project URL, e.g. https://<project>.supabase.co' }).optional(),
  SUPABASE_ANON_KEY: z.string().optional(),
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be the project JWT secret (at least 32 characters)').optional(),
  AUTH_BACKEND: z.enum(['builtin', 'supabase'], { message: 'must be builtin or supabase' }).default('builtin'),
};

type AuthFieldValues = z.infer<z.ZodObject<typeof AuthFields>>;

/**
 * Cross-field rules of {@link AuthFields}: `AUTH_BACKEND=supabase` needs `SUPABASE_URL` and `SUPABASE_ANON_KEY`. Call
 * it from the `superRefine` of every schema that spreads the fields.
 */
export function authChecks(
  config: Pick<AuthFieldValues, 'AUTH_BACKEND' | 'SUPABASE_URL' | 'SUPABASE_ANON_KEY'>,
  ctx: z.RefinementCtx,
): void {
  if (config.AUTH_BACKEND !== 'supabase') return;
  for (const name of ['SUPABASE_URL', 'SUPABASE_ANON_KEY'] as const) {
    if (!config[name]) ctx.addIssue({ code: 'custom', message: 'must be set when AUTH_BACKEND=supabase', path: [name] });
  }
}

/** The auth service's environment. */
export const AuthConfigSchema = CommonConfigSchema.extend(AuthFields).superRefine((config, ctx) => {
  commonChecks(config, ctx);
  authChecks(config, ctx);
});

export type AuthConfig = z.infer<typeof AuthConfigSchema>;

function supabaseSettings(config: AuthFieldValues): SupabaseSettings | undefined {
  const backend = config.AUTH_BACKEND === 'supabase';
  if (backend && !(config.SUPABASE_URL && config.SUPABASE_ANON_KEY)) {
    // Schemas that spread AuthFields without authChecks end up here: fail as loudly as the schema would have.
    throw new TypeError('AUTH_BACKEND=supabase needs SUPABASE_URL and SUPABASE_ANON_KEY');
  }
  if (!backend && !config.SUPABASE_URL && !config.SUPABASE_JWT_SECRET) return undefined;
  return {
    ...(config.SUPABASE_URL ? { url: config.SUPABASE_URL.replace(/\/+$/, '') } : {}),
    ...(config.SUPABASE_ANON_KEY ? { anonKey: config.SUPABASE_ANON_KEY } : {}),
    ...(config.SUPABASE_JWT_SECRET ? { jwtSecret: config.SUPABASE_JWT_SECRET } : {}),
    backend,
  };
}

/**
 * Auth settings from config; `internalPublicKeys` are the gateway signer's public halves. Throws when
 * `AUTH_BACKEND=supabase` lacks `SUPABASE_URL` or `SUPABASE_ANON_KEY` (a schema without {@link authChecks}).
 */
export function authSettings(config: AuthFieldValues, internalPublicKeys: AuthSettings['internalPublicKeys']): AuthSettings {
  const bootstrap = config.BOOTSTRAP_ADMIN_EMAIL
    ? {
        email: config.BOOTSTRAP_ADMIN_EMAIL,
        ...(config.BOOTSTRAP_ADMIN_PASSWORD ? { password: config.BOOTSTRAP_ADMIN_PASSWORD } : {}),
        ...(config.BOOTSTRAP_ADMIN_API_KEY ? { apiKey: config.BOOTSTRAP_ADMIN_API_KEY } : {}),
      }
    : undefined;
  const supabase = supabaseSettings(config);
  return {
    issuer: config.AUTH_ISSUER,
    accessTokenTtlS: config.ACCESS_TOKEN_TTL_S,
    refreshTokenTtlS: config.REFRESH_TOKEN_TTL_S,
    apiKeyEnv: config.API_KEY_ENV,
    keyRotationDays: config.SIGNING_KEY_ROTATION_DAYS,
    keyOverlapS: config.SIGNING_KEY_OVERLAP_S,
    requireEmailConfirmation: config.REQUIRE_EMAIL_CONFIRMATION,
    ...(config.ALLOWED_EMAIL_DOMAINS?.length ? { allowedEmailDomains: config.ALLOWED_EMAIL_DOMAINS } : {}),
    ...(bootstrap ? { bootstrapAdmin: bootstrap } : {}),
    internalPublicKeys,
    ...(supabase ? { supabase } : {}),
  };
}
