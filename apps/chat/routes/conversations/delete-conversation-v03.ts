import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { removeConversation } from './delete-conversation.ts';
import { ConversationParamsSchema, conversationErrorResponses } from './schemas.ts';

export const deleteGaiaConversationV03Route = createRoute({
  method: 'delete',
  path: '/conversations/{id}',
  operationId: 'deleteGaiaConversationV03',
  tags: ['gaia'],
  summary: 'GAIA v0.3: delete a conversation (a later chat with its id → 404)',
  request: { params: ConversationParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...conversationErrorResponses },
});

/** `DELETE /api/v0.3/conversations/{id}` → 204, no body. */
export function registerDeleteGaiaConversationV03(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(deleteGaiaConversationV03Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:delete');
    await removeConversation(deps, principal.userId, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
