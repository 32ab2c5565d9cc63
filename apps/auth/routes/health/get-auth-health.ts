import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';

const Check = z.object({ status: z.enum(['healthy', 'warning', 'error']) }).catchall(z.unknown());

export const AuthHealthSchema = z
  .object({
    service: z.literal('auth'),
    timestamp: z.string(),
    overall_status: z.enum(['healthy', 'warning', 'error']),
    checks: z.record(z.string(), Check),
    error_count: z.number().int().optional(),
    warning_count: z.number().int().optional(),
  })
  .openapi('AuthHealth');

export const getAuthHealthRoute = createRoute({
  method: 'get',
  path: '/auth/health',
  operationId: 'getAuthHealth',
  tags: ['auth'],
  summary: "GAIA's auth health: the state of each thing authentication depends on (always 200)",
  responses: { 200: { description: 'Auth health', content: { 'application/json': { schema: AuthHealthSchema } } } },
});

type CheckResult = z.infer<typeof Check>;

/** Registers GAIA's `GET /auth/health`; each later auth capability adds its check to `checks`. */
export function registerGetAuthHealth(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(getAuthHealthRoute, async (c) => {
    const { components } = await deps.readiness.check();
    const database = components.database;
    const backendOk = database?.status === 'ready';
    const checks: Record<string, CheckResult> = {
      auth_backend: {
        configured: 'postgresql',
        status: backendOk ? 'healthy' : 'error',
        ...(backendOk ? {} : { error: database?.error ?? 'database not ready' }),
      },
    };
    const statuses = Object.values(checks).map((check) => check.status);
    const errors = statuses.filter((s) => s === 'error').length;
    const warnings = statuses.filter((s) => s === 'warning').length;
    const overall = errors > 0 ? 'error' : warnings > 0 ? 'warning' : 'healthy';
    return c.json(
      {
        service: 'auth' as const,
        timestamp: new Date().toISOString(),
        overall_status: overall,
        checks,
        ...(overall === 'error' ? { error_count: errors } : {}),
        ...(overall === 'warning' ? { warning_count: warnings } : {}),
      },
      200,
    );
  });
}
