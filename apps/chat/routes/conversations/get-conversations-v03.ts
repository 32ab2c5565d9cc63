import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { ConversationListQuerySchema, conversationPage, nextCursorHeader } from './list-page.ts';
import { conversationErrorResponses, GaiaConversationV03Schema, GaiaValidationErrorSchema, toGaiaConversationV03 } from './schemas.ts';

export const GaiaConversationListV03Schema = z
  .object({ conversations: z.array(GaiaConversationV03Schema) })
  .openapi('GaiaConversationListV03');

export const listGaiaConversationsV03Route = createRoute({
  method: 'get',
  path: '/conversations',
  operationId: 'listGaiaConversationsV03',
  tags: ['gaia'],
  summary: "GAIA v0.3: the caller's conversations, newest first (optional paging and search)",
  request: { query: ConversationListQuerySchema },
  responses: {
    200: {
      description: 'A page of conversations',
      headers: nextCursorHeader,
      content: { 'application/json': { schema: GaiaConversationListV03Schema } },
    },
    403: conversationErrorResponses[403],
    422: { description: 'limit outside 1..100 or a foreign cursor', content: { 'application/json': { schema: GaiaValidationErrorSchema } } },
  },
});

/** `GET /api/v0.3/conversations` → `{"conversations": [{conversation_id, title, created_at}]}`. */
export function registerListGaiaConversationsV03(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(listGaiaConversationsV03Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const page = await conversationPage(c, deps.store, principal.userId, c.req.valid('query'));
    if (page instanceof Response) return page as never;
    return c.json({ conversations: page.map(toGaiaConversationV03) }, 200);
  });
}
