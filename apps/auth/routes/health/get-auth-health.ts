import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ComponentState } from '../../../../lib/readiness/readiness.ts';
import type { AuthDeps } from '../../deps.ts';
import { checkApiKeyValidation } from './api-key-check.ts';
import type { CheckResult, CheckStatus } from './check.ts';
import { checkSecrets } from './secrets-check.ts';
import { checkSupabase } from './supabase-check.ts';

const Status = z.enum(['healthy', 'warning', 'error']);
/** Every check: its status, plus `error` (status error) or `warning` (status warning) saying why and what to do. */
const checkOf = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ status: Status, error: z.string().optional(), warning: z.string().optional(), ...shape });

export const AuthHealthChecksSchema = z.object({
  secrets: checkOf({
    signing_key: z.enum(['usable', 'unusable']).describe('The current signing key signed a token that verified against our JWKS'),
    internal_keys: z.number().int().describe("How many gateway public keys are configured (0: only public routes work)"),
  }),
  auth_backend: checkOf({ configured: z.enum(['supabase', 'postgresql']) }),
  supabase: checkOf({
    service: z.literal('supabase'),
    url: z.string().nullable(),
    responsive: z.boolean().nullable(),
    response_time: z.number().optional(),
  })
    .optional()
    .describe('Present when Supabase is configured'),
  api_key_validation: checkOf({
    backend: z.literal('postgresql'),
    test_performed: z.literal(true),
    response_time: z.number().optional().describe('Seconds to verify a never-issued key end to end'),
  }),
  ai_provider: checkOf({ required: z.literal(false), configured: z.literal(false) }).describe(
    'The auth service calls no AI provider (chat reports its providers): always healthy',
  ),
});

export const AuthHealthSchema = z
  .object({
    service: z.literal('auth'),
    timestamp: z.string(),
    overall_status: Status,
    checks: AuthHealthChecksSchema,
    error_count: z.number().int().positive().optional().describe('Present exactly when overall_status is error'),
    warning_count: z.number().int().positive().optional().describe('Present exactly when overall_status is warning'),
  })
  .openapi('AuthHealth');

export type AuthHealth = z.infer<typeof AuthHealthSchema>;

export const getAuthHealthRoute = createRoute({
  method: 'get',
  path: '/auth/health',
  operationId: 'getAuthHealth',
  tags: ['auth'],
  summary: "GAIA's auth health: the state of each thing authentication depends on (always 200)",
  responses: { 200: { description: 'Auth health', content: { 'application/json': { schema: AuthHealthSchema } } } },
});

/** `auth_backend`: the configured identity backend; PostgreSQL's state is the database's readiness. */
function checkBackend(deps: AuthDeps, database: ComponentState | undefined, supabase: CheckResult | undefined): CheckResult {
  if (deps.settings.supabase?.backend && supabase) {
    const { status, error } = supabase;
    return { configured: 'supabase', status, ...(status === 'healthy' ? {} : { error }) };
  }
  if (database?.status === 'ready') return { configured: 'postgresql', status: 'healthy' };
  return { configured: 'postgresql', status: 'error', error: database?.error ?? `database ${database?.status ?? 'not ready'}` };
}

/** GAIA's overall status and counts: `error_count` / `warning_count` appear exactly when the overall status is theirs. */
function summary(checks: Record<string, CheckResult>): { overall_status: CheckStatus; error_count?: number; warning_count?: number } {
  const statuses = Object.values(checks).map((check) => check.status);
  const errors = statuses.filter((s) => s === 'error').length;
  const warnings = statuses.filter((s) => s === 'warning').length;
  if (errors > 0) return { overall_status: 'error', error_count: errors };
  if (warnings > 0) return { overall_status: 'warning', warning_count: warnings };
  return { overall_status: 'healthy' };
}

/**
 * Registers GAIA's `GET /auth/health` (GAIA-API §10): `secrets`, `auth_backend`, `supabase` (when configured),
 * `api_key_validation` (a real look-up of a never-issued key) and `ai_provider`, run in parallel, each within 2 s.
 */
export function registerGetAuthHealth(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(getAuthHealthRoute, async (c) => {
    const supabaseSettings = deps.settings.supabase;
    const [readiness, secrets, supabase, apiKeys] = await Promise.all([
      deps.readiness.check(),
      checkSecrets(deps),
      supabaseSettings ? checkSupabase(supabaseSettings, deps.logger) : undefined,
      checkApiKeyValidation(deps),
    ]);
    const checks = {
      secrets,
      auth_backend: checkBackend(deps, readiness.components.database, supabase),
      ...(supabase ? { supabase } : {}),
      api_key_validation: apiKeys,
      ai_provider: { status: 'healthy' as const, required: false, configured: false },
    };
    const body = { service: 'auth' as const, timestamp: new Date().toISOString(), ...summary(checks), checks };
    return c.json(body as AuthHealth, 200);
  });
}
