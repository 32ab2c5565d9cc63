import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { KbDeps } from '../../deps.ts';
import { IndexReportSchema, indexReportBody, json } from '../schemas.ts';
import { SyncStatusSchema, syncStatusBody } from './schemas.ts';

export const PostSyncBodySchema = z
  .object({
    pull: z.boolean().default(true).openapi({ description: 'Fetch and fast-forward (or merge) remote commits' }),
    push: z.boolean().default(true).openapi({ description: 'Push local commits' }),
  })
  .openapi('KbSyncBody');

export const SyncOutcomeSchema = z
  .object({
    pull: z.enum(['none', 'fast-forward', 'merge', 'conflict', 'skipped']),
    before: z.string().nullable(),
    after: z.string().nullable(),
    pushed: z.number().int(),
    index: IndexReportSchema.nullable().openapi({ description: 'What was re-indexed, when the head moved' }),
    status: SyncStatusSchema,
  })
  .openapi('KbSyncOutcome');
export type SyncOutcome = z.infer<typeof SyncOutcomeSchema>;

export const postSyncRoute = createRoute({
  method: 'post',
  path: '/api/v1/kb/sync',
  operationId: 'postKbSync',
  tags: ['kb'],
  summary: 'Pulls from and pushes to the Git remote now, then indexes what came in (kb editors)',
  description:
    'Both sides changed the same files → 409 `KB_SYNC_CONFLICT` listing them; nothing is merged and neither side is ' +
    'lost. An unreachable remote, refused credentials or a rejected push → 502 `KB_REMOTE_FAILED`. Local only → `pull: skipped`.',
  middleware: [requirePermission('kb:delete')] as const,
  request: { body: { required: false, content: { 'application/json': { schema: PostSyncBodySchema } } } },
  responses: {
    200: json(SyncOutcomeSchema, 'Synced'),
    409: json(ErrorEnvelopeSchema, 'Conflict'),
    502: json(ErrorEnvelopeSchema, 'The remote failed'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /api/v1/kb/sync`. */
export function registerPostSync(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(postSyncRoute, async (c) => {
    const body = PostSyncBodySchema.parse(c.req.valid('json') ?? {});
    const { sync, index } = await deps.kb.syncNow(body);
    const status = syncStatusBody(sync.status);
    if (sync.pull === 'conflict') {
      throw new ApiError('KB_SYNC_CONFLICT', status.last_error?.message ?? 'Both sides changed the same files', { details: { status } });
    }
    if (status.last_error) throw new ApiError('KB_REMOTE_FAILED', status.last_error.message, { details: { status } });
    return c.json(
      { pull: sync.pull, before: sync.before, after: sync.after, pushed: sync.pushed, index: index ? indexReportBody(index) : null, status },
      200,
    );
  });
}
