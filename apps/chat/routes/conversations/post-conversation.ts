import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { createConversation } from '../../store/conversations.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { emptyJsonBody } from './empty-json-body.ts';
import { newConversationTitle } from './lookup.ts';
import { conversationErrorResponses, GaiaConversationSchema, GaiaValidationErrorSchema, NewConversationBodySchema, toGaiaConversation } from './schemas.ts';

export const createGaiaConversationV1Route = createRoute({
  method: 'post',
  path: '/conversations',
  operationId: 'createGaiaConversationV1',
  tags: ['gaia'],
  summary: 'GAIA: create a conversation (an empty body or `{}` is fine)',
  middleware: [emptyJsonBody()] as const,
  request: { body: { required: false, content: { 'application/json': { schema: NewConversationBodySchema } } } },
  responses: {
    201: { description: 'The new conversation', content: { 'application/json': { schema: GaiaConversationSchema } } },
    403: conversationErrorResponses[403],
    422: { description: 'A title that is not a string', content: { 'application/json': { schema: GaiaValidationErrorSchema } } },
  },
});

/** `POST /api/v1/conversations` → 201 Conversation. */
export function registerCreateGaiaConversationV1(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(createGaiaConversationV1Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:write');
    const { title } = c.req.valid('json');
    const conversation = await createConversation(deps.store, principal.userId, { title: newConversationTitle(title) });
    return c.json(toGaiaConversation(conversation), 201);
  });
}
