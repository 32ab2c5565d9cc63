import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { deleteConversation } from '../../store/conversations.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { conversationNotFound } from './lookup.ts';
import { ConversationParamsSchema, conversationErrorResponses } from './schemas.ts';

export const deleteGaiaConversationV1Route = createRoute({
  method: 'delete',
  path: '/conversations/{id}',
  operationId: 'deleteGaiaConversationV1',
  tags: ['gaia'],
  summary: 'GAIA: delete a conversation (afterwards it is unknown everywhere)',
  request: { params: ConversationParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...conversationErrorResponses },
});

/**
 * Soft-deletes the caller's conversation; 404 when it is unknown, foreign or already deleted.
 * @example await removeConversation(deps, principal.userId, id); return c.body(null, 204);
 */
export async function removeConversation(deps: ChatDeps, ownerId: string, id: string): Promise<void> {
  if (!(await deleteConversation(deps.store, ownerId, id))) throw conversationNotFound();
}

/** `DELETE /api/v1/conversations/{id}` → 204, no body. */
export function registerDeleteGaiaConversationV1(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(deleteGaiaConversationV1Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:delete');
    await removeConversation(deps, principal.userId, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
