import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { can } from '../../../../lib/auth/rbac.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { ASSET_CATEGORIES } from '../../providers/types.ts';
import { JOB_STATES, type JobState } from '../../store/jobs.ts';
import { jobView } from '../../views/job-view.ts';
import { json } from '../schemas.ts';
import { JobSchema } from './schemas.ts';

export const ListJobsQuerySchema = z.object({
  state: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description: 'queued, running, succeeded, failed or cancelled; repeat (or comma-separate) for several' }),
  category: z.enum(ASSET_CATEGORIES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional().openapi({ description: '`next_cursor` of the previous page' }),
  scope: z.enum(['mine', 'all']).default('mine').openapi({ description: '`all`: every user’s jobs (needs asset:admin)' }),
});

export const JobPageSchema = z
  .object({ jobs: z.array(JobSchema), next_cursor: z.string().nullable().openapi({ description: 'null on the last page' }) })
  .openapi('AssetJobPage');

export const listAssetJobsRoute = createRoute({
  method: 'get',
  path: '/api/v1/assets/jobs',
  operationId: 'listAssetJobs',
  tags: ['assets'],
  summary: "The caller's jobs, newest first, paged with a cursor; filter by state and category",
  middleware: [requirePermission('asset:read')] as const,
  request: { query: ListJobsQuerySchema },
  responses: { 200: json(JobPageSchema, 'A page of jobs'), ...errorResponses, ...authErrorResponses },
});

const encodeCursor = (createdAt: Date, id: string) => btoa(JSON.stringify([createdAt.toISOString(), id])).replace(/=+$/, '');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(atob(cursor)) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
  } catch {
    // fall through
  }
  throw new ApiError('BAD_REQUEST', 'Invalid cursor: pass the next_cursor of the previous page unchanged');
}

function statesOf(state: string | string[] | undefined): JobState[] {
  const states = [state ?? []].flat().flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = states.filter((s) => !(JOB_STATES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new ApiError('VALIDATION_FAILED', `Unknown state ${unknown.join(', ')}: use ${JOB_STATES.join(', ')}`, {
      details: [{ path: 'state', message: `must be one of ${JOB_STATES.join(', ')}` }],
    });
  }
  return states as JobState[];
}

/** `GET /api/v1/assets/jobs?state=&category=&limit=&cursor=&scope=` → `{jobs, next_cursor}`. */
export function registerListAssetJobs(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(listAssetJobsRoute, async (c) => {
    const principal = principalOf(c);
    const query = c.req.valid('query');
    if (query.scope === 'all' && !can(principal, 'asset:admin')) {
      throw new ApiError('FORBIDDEN', 'Missing permission asset:admin (needed for scope=all)', { details: { missing: ['asset:admin'] } });
    }
    const { core } = deps;
    const jobs = await core.jobs.list(core.db, {
      ...(query.scope === 'mine' ? { ownerId: principal.userId } : {}),
      states: statesOf(query.state),
      ...(query.category ? { category: query.category } : {}),
      ...(query.cursor ? { before: decodeCursor(query.cursor) } : {}),
      limit: query.limit + 1,
    });
    const page = jobs.slice(0, query.limit);
    const last = page.at(-1);
    const assets = new Map(
      (await core.assets.getMany(core.db, page.flatMap((job) => (job.assetId ? [job.assetId] : [])))).map((a) => [a.id, a]),
    );
    return c.json(
      {
        jobs: page.map((job) => jobView(job, (job.assetId && assets.get(job.assetId)) || null, core.behaviour.publicBaseUrl)),
        next_cursor: jobs.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      },
      200,
    );
  });
}
