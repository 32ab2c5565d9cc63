import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { listMessages } from '../../store/messages.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { ownedConversation } from './lookup.ts';
import { ConversationParamsSchema, conversationErrorResponses, GaiaMessageSchema, toGaiaMessage, visibleMessages } from './schemas.ts';

export const GaiaMessageListSchema = z.object({ messages: z.array(GaiaMessageSchema) }).openapi('GaiaMessageList');

export const listGaiaConversationMessagesV1Route = createRoute({
  method: 'get',
  path: '/conversations/{id}/messages',
  operationId: 'listGaiaConversationMessagesV1',
  tags: ['gaia'],
  summary: "GAIA: a conversation's user and assistant messages, oldest first",
  request: { params: ConversationParamsSchema },
  responses: {
    200: { description: 'The messages', content: { 'application/json': { schema: GaiaMessageListSchema } } },
    ...conversationErrorResponses,
  },
});

/** `GET /api/v1/conversations/{id}/messages` → `{"messages": [Message]}`. */
export function registerListGaiaConversationMessagesV1(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(listGaiaConversationMessagesV1Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const conversation = await ownedConversation(deps.store, principal.userId, c.req.valid('param').id);
    const messages = visibleMessages(await listMessages(deps.store, conversation.id));
    return c.json({ messages: messages.map(toGaiaMessage) }, 200);
  });
}
