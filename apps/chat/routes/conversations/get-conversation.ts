import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { ownedConversation } from './lookup.ts';
import { ConversationParamsSchema, conversationErrorResponses, GaiaConversationSchema, toGaiaConversation } from './schemas.ts';

export const getGaiaConversationV1Route = createRoute({
  method: 'get',
  path: '/conversations/{id}',
  operationId: 'getGaiaConversationV1',
  tags: ['gaia'],
  summary: 'GAIA: one of the caller’s conversations',
  request: { params: ConversationParamsSchema },
  responses: {
    200: { description: 'The conversation', content: { 'application/json': { schema: GaiaConversationSchema } } },
    ...conversationErrorResponses,
  },
});

/** `GET /api/v1/conversations/{id}` → Conversation; 404 for unknown, foreign, deleted and non-UUID ids. */
export function registerGetGaiaConversationV1(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(getGaiaConversationV1Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const conversation = await ownedConversation(deps.store, principal.userId, c.req.valid('param').id);
    return c.json(toGaiaConversation(conversation), 200);
  });
}
