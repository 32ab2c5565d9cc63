import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { ConversationListQuerySchema, conversationPage, nextCursorHeader } from './list-page.ts';
import { conversationErrorResponses, GaiaConversationSchema, GaiaValidationErrorSchema, toGaiaConversation } from './schemas.ts';

export const GaiaConversationListSchema = z.object({ conversations: z.array(GaiaConversationSchema) }).openapi('GaiaConversationList');

export const listGaiaConversationsV1Route = createRoute({
  method: 'get',
  path: '/conversations',
  operationId: 'listGaiaConversationsV1',
  tags: ['gaia'],
  summary: "GAIA: the caller's conversations, newest first (optional paging and search)",
  request: { query: ConversationListQuerySchema },
  responses: {
    200: {
      description: 'A page of conversations',
      headers: nextCursorHeader,
      content: { 'application/json': { schema: GaiaConversationListSchema } },
    },
    403: conversationErrorResponses[403],
    422: { description: 'limit outside 1..100 or a foreign cursor', content: { 'application/json': { schema: GaiaValidationErrorSchema } } },
  },
});

/** `GET /api/v1/conversations` → `{"conversations": [Conversation]}`. */
export function registerListGaiaConversationsV1(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(listGaiaConversationsV1Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const page = await conversationPage(c, deps.store, principal.userId, c.req.valid('query'));
    if (page instanceof Response) return page as never;
    return c.json({ conversations: page.map(toGaiaConversation) }, 200);
  });
}
