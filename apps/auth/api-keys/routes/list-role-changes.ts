import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { decodeCursor, listRoleChanges } from '../../users/role-changes.ts';
import { json, RoleSchema } from './schemas.ts';

export const ListRoleChangesQuerySchema = z.object({
  user_id: z.guid().optional().openapi({ param: { name: 'user_id', in: 'query' }, description: 'Only the changes of this user' }),
  before: z
    .string()
    .max(200)
    .refine((value) => decodeCursor(value) !== undefined, 'must be the next_cursor of a previous page')
    .optional()
    .openapi({ description: "The previous page's next_cursor" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const RoleChangeSchema = z
  .object({
    id: z.uuid(),
    actor_id: z.uuid().nullable().openapi({ description: 'Who changed the roles; null for the platform itself (bootstrap admin)' }),
    actor_email: z.string().nullable(),
    target_id: z.uuid(),
    target_email: z.string(),
    from: z.array(RoleSchema),
    to: z.array(RoleSchema),
    created_at: z.string(),
  })
  .openapi('RoleChange');

export const RoleChangeListSchema = z
  .object({
    changes: z.array(RoleChangeSchema),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `before` for older changes; null on the last page' }),
  })
  .openapi('RoleChangeList');
export type RoleChangeList = z.infer<typeof RoleChangeListSchema>;

export const listRoleChangesRoute = createRoute({
  method: 'get',
  path: '/api/v1/auth/admin/role-changes',
  operationId: 'listRoleChanges',
  tags: ['admin'],
  summary: 'The audit log of role changes (who changed whose roles, from what to what, when), newest first (admins)',
  middleware: [requirePermission('auth:admin')] as const,
  request: { query: ListRoleChangesQuerySchema },
  responses: { 200: json(RoleChangeListSchema, 'A page of changes'), ...errorResponses, ...authErrorResponses },
});

/** `GET /api/v1/auth/admin/role-changes`. */
export function registerListRoleChanges(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(listRoleChangesRoute, async (c) => {
    const { user_id: targetId, before, limit } = c.req.valid('query');
    const page = await listRoleChanges(deps.db, { limit, ...(targetId ? { targetId } : {}), ...(before ? { before } : {}) });
    return c.json({ changes: page.changes, next_cursor: page.next }, 200);
  });
}
