import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { ownedConversation } from './lookup.ts';
import { ConversationParamsSchema, conversationErrorResponses, GaiaConversationV03Schema, toGaiaConversationV03 } from './schemas.ts';

export const getGaiaConversationV03Route = createRoute({
  method: 'get',
  path: '/conversations/{id}',
  operationId: 'getGaiaConversationV03',
  tags: ['gaia'],
  summary: 'GAIA v0.3: one conversation → exactly `{conversation_id, title, created_at}`',
  request: { params: ConversationParamsSchema },
  responses: {
    200: { description: 'The conversation', content: { 'application/json': { schema: GaiaConversationV03Schema } } },
    ...conversationErrorResponses,
  },
});

/** `GET /api/v0.3/conversations/{id}`. */
export function registerGetGaiaConversationV03(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(getGaiaConversationV03Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const conversation = await ownedConversation(deps.store, principal.userId, c.req.valid('param').id);
    return c.json(toGaiaConversationV03(conversation), 200);
  });
}
