import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { sseResponse } from '../../../../lib/sse/sse.ts';
import type { ChatDeps } from '../../deps.ts';
import { checkMessage, GaiaChatBodySchema, newConversationRequested } from './chat-body.ts';
import { collectReply } from './collect.ts';
import { gaiaCaller } from './permissions.ts';
import { startGaiaChat } from './start-chat.ts';
import { gaiaV03Stream } from './streams.ts';

export const GaiaChatV03ResponseSchema = z.object({ response: z.string(), conversation_id: z.string() }).openapi('GaiaChatV03Response');

export const postChatV03Route = createRoute({
  method: 'post',
  path: '/chat',
  operationId: 'postGaiaChatV03',
  tags: ['gaia'],
  summary: 'GAIA chat (v0.3): exactly `{response, conversation_id}`, or the v0.3 event stream (stream: true)',
  request: { body: { required: true, content: { 'application/json': { schema: GaiaChatBodySchema } } } },
  responses: {
    200: {
      description: 'The reply',
      content: { 'application/json': { schema: GaiaChatV03ResponseSchema }, 'text/event-stream': { schema: z.string() } },
    },
    400: { description: 'Invalid JSON body, missing or empty message (`{"error": ...}`)' },
    403: { description: 'The caller may not chat' },
    404: { description: 'Conversation not found' },
    503: { description: 'The model could not answer' },
  },
});

/** `POST /api/v0.3/chat`: model, persona and other knobs are ignored (GAIA-API §6). */
export function registerPostChatV03(app: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  app.openapi(postChatV03Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:write');
    const body = c.req.valid('json');
    if (typeof body.message !== 'string') throw new GaiaError(400, 'Missing required field: message', { key: 'error' });
    checkMessage(body.message, 'error');
    const conversationId = newConversationRequested(body.conversation_id) ? null : (body.conversation_id as string);
    const chat = await startGaiaChat(c, deps, { principal, conversationId, message: body.message }, 'error');
    if (body.stream === true) return sseResponse(gaiaV03Stream(chat.events)) as never;
    const reply = await collectReply(chat.events, 'error');
    return c.json({ response: reply.text, conversation_id: reply.conversationId }, 200);
  });
}
