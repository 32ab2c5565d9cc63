import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { KbDeps } from '../../deps.ts';
import { listTree } from '../../docs/operations.ts';
import { callerAccess } from '../caller.ts';
import { json } from '../schemas.ts';

export const TreeSchema = z
  .object({
    path: z.string(),
    entries: z.array(
      z.object({
        path: z.string(),
        name: z.string(),
        type: z.enum(['file', 'dir']),
        title: z.string().nullable().openapi({ description: "A document's title from the index; null for folders" }),
      }),
    ),
  })
  .openapi('KbTree');
export type Tree = z.infer<typeof TreeSchema>;

export const getTreeRoute = createRoute({
  method: 'get',
  path: '/api/v1/kb/tree',
  operationId: 'getKbTree',
  tags: ['kb'],
  summary: 'One folder level (folders first), showing only what the caller may read',
  middleware: [requirePermission('kb:read')] as const,
  request: { query: z.object({ path: z.string().max(512).default('').openapi({ description: "Folder; '' = root" }) }) },
  responses: { 200: json(TreeSchema, 'The folder'), ...errorResponses, ...authErrorResponses },
});

/** `GET /api/v1/kb/tree?path=`. */
export function registerGetTree(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(getTreeRoute, async (c) => {
    const { path } = c.req.valid('query');
    const entries = await listTree(deps.ops, await callerAccess(c, deps), path);
    return c.json({ path: path.replace(/\/+$/, ''), entries }, 200);
  });
}
