import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { listMessages } from '../../store/messages.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { ownedConversation } from './lookup.ts';
import { ConversationParamsSchema, conversationErrorResponses, GaiaMessageV03Schema, toGaiaMessageV03, visibleMessages } from './schemas.ts';

export const listGaiaConversationMessagesV03Route = createRoute({
  method: 'get',
  path: '/conversations/{id}/messages',
  operationId: 'listGaiaConversationMessagesV03',
  tags: ['gaia'],
  summary: "GAIA v0.3: a conversation's messages as a bare array, oldest first",
  request: { params: ConversationParamsSchema },
  responses: {
    200: { description: 'The messages', content: { 'application/json': { schema: z.array(GaiaMessageV03Schema) } } },
    ...conversationErrorResponses,
  },
});

/** `GET /api/v0.3/conversations/{id}/messages` → `[{role, content, created_at}]` (no wrapper, unlike v1). */
export function registerListGaiaConversationMessagesV03(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(listGaiaConversationMessagesV03Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const conversation = await ownedConversation(deps.store, principal.userId, c.req.valid('param').id);
    const messages = visibleMessages(await listMessages(deps.store, conversation.id));
    return c.json(messages.map(toGaiaMessageV03), 200);
  });
}
