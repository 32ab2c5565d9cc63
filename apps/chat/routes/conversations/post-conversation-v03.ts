import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { createConversation } from '../../store/conversations.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { emptyJsonBody } from './empty-json-body.ts';
import { newConversationTitle } from './lookup.ts';
import { conversationErrorResponses, GaiaValidationErrorSchema, NewConversationBodySchema } from './schemas.ts';

export const GaiaCreatedConversationV03Schema = z
  .object({ conversation_id: z.string(), title: z.string() })
  .openapi('GaiaCreatedConversationV03');

export const createGaiaConversationV03Route = createRoute({
  method: 'post',
  path: '/conversations',
  operationId: 'createGaiaConversationV03',
  tags: ['gaia'],
  summary: 'GAIA v0.3: create a conversation → exactly `{conversation_id, title}`',
  middleware: [emptyJsonBody()] as const,
  request: { body: { required: false, content: { 'application/json': { schema: NewConversationBodySchema } } } },
  responses: {
    201: { description: 'The new conversation', content: { 'application/json': { schema: GaiaCreatedConversationV03Schema } } },
    403: conversationErrorResponses[403],
    422: { description: 'A title that is not a string', content: { 'application/json': { schema: GaiaValidationErrorSchema } } },
  },
});

/** `POST /api/v0.3/conversations` → 201 `{conversation_id, title}`. */
export function registerCreateGaiaConversationV03(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(createGaiaConversationV03Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:write');
    const { title } = c.req.valid('json');
    const conversation = await createConversation(deps.store, principal.userId, { title: newConversationTitle(title) });
    return c.json({ conversation_id: conversation.id, title: conversation.title }, 201);
  });
}
