import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { KbDeps } from '../../deps.ts';
import { json } from '../schemas.ts';
import { SyncStatusSchema, syncStatusBody } from './schemas.ts';

export const KbStatusSchema = SyncStatusSchema.extend({
  index: z.object({
    commit: z.string().nullable().openapi({ description: 'The commit the index reflects' }),
    documents: z.number().int(),
    chunks: z.number().int(),
    embedded: z.number().int().openapi({ description: 'Chunks with an embedding' }),
    semantic: z.boolean(),
    semantic_unavailable_reason: z.string().nullable(),
    progress: z
      .object({ phase: z.string(), done: z.number().int(), total: z.number().int() })
      .nullable()
      .openapi({ description: 'The index run in progress, if any' }),
  }),
}).openapi('KbStatus');
export type KbStatus = z.infer<typeof KbStatusSchema>;

export const getSyncStatusRoute = createRoute({
  method: 'get',
  path: '/api/v1/kb/sync',
  operationId: 'getKbSyncStatus',
  tags: ['kb'],
  summary: 'Git status: branch, head, ahead/behind, last sync, last error, conflict; and the index',
  middleware: [requirePermission('kb:read')] as const,
  responses: { 200: json(KbStatusSchema, 'The status'), ...errorResponses, ...authErrorResponses },
});

/** `GET /api/v1/kb/sync`. */
export function registerGetSyncStatus(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(getSyncStatusRoute, async (c) => {
    const runtime = deps.kb.runtime();
    const [status, stats] = await Promise.all([runtime.sync.status(), runtime.indexer.stats()]);
    return c.json(
      {
        ...syncStatusBody(status),
        index: {
          commit: stats.commit,
          documents: stats.documents,
          chunks: stats.chunks,
          embedded: stats.embedded,
          semantic: runtime.semantic,
          semantic_unavailable_reason: runtime.semanticReason,
          progress: deps.kb.progress(),
        },
      },
      200,
    );
  });
}
