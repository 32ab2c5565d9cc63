import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { toUsd } from '../../domain/money.ts';
import { type PeriodUsage, periodsOf } from '../../store/budgets.ts';
import { json } from '../schemas.ts';

const PeriodSchema = z.object({
  limit: z.number().openapi({ description: 'USD' }),
  spent: z.number().openapi({ description: 'USD spent by finished jobs' }),
  reserved: z.number().openapi({ description: 'USD held by queued and running jobs (their estimates)' }),
  remaining: z.number(),
  resets_at: z.string().openapi({ description: 'ISO-8601, UTC' }),
});

export const BudgetSchema = z.object({ daily: PeriodSchema, monthly: PeriodSchema }).openapi('AssetBudget');

export const getAssetBudgetRoute = createRoute({
  method: 'get',
  path: '/api/v1/assets/budget',
  operationId: 'getAssetBudget',
  tags: ['assets'],
  summary: "The caller's daily and monthly asset budgets: limit, spent, reserved, when each resets",
  middleware: [requirePermission('asset:read')] as const,
  responses: { 200: json(BudgetSchema, 'The budgets'), ...errorResponses, ...authErrorResponses },
});

const period = (usage: PeriodUsage) => ({
  limit: toUsd(usage.limitMicros),
  spent: toUsd(usage.spentMicros),
  reserved: toUsd(usage.reservedMicros),
  remaining: toUsd(Math.max(0, usage.limitMicros - usage.spentMicros - usage.reservedMicros)),
  resets_at: usage.resetsAt.toISOString(),
});

/** `GET /api/v1/assets/budget` → `{daily, monthly}`. */
export function registerGetAssetBudget(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(getAssetBudgetRoute, async (c) => {
    const { core } = deps;
    const usage = await core.budgets.usage(core.db, principalOf(c).userId, core.behaviour.budgets, periodsOf(core.now()));
    return c.json({ daily: period(usage.day), monthly: period(usage.month) }, 200);
  });
}
