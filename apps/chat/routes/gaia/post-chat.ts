import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { sseResponse } from '../../../../lib/sse/sse.ts';
import type { ChatDeps } from '../../deps.ts';
import { checkMessage, GaiaChatBodySchema, newConversationRequested, v1Message, v1Options } from './chat-body.ts';
import { collectReply } from './collect.ts';
import { startGaiaChat } from './start-chat.ts';
import { gaiaV1Stream } from './streams.ts';
import { gaiaCaller } from './permissions.ts';

const MetadataSchema = z.object({
  route_type: z.string(),
  routing_time_ms: z.number(),
  llm_time_ms: z.number(),
  total_time_ms: z.number(),
  request_id: z.string(),
  conversation_id: z.string(),
});

/** The v1 OpenAI-style `_metadata`: the six keys plus the model that answered. */
const CompletionMetadataSchema = MetadataSchema.extend({
  model: z.string().openapi({ description: 'The model that answered (the requested `model` is a preference)' }),
});

export const GaiaChatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({ index: z.number().int(), message: z.object({ role: z.literal('assistant'), content: z.string() }), finish_reason: z.string() }),
    ),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
    _metadata: CompletionMetadataSchema,
  })
  .openapi('GaiaChatCompletion');

export const GaiaChatV03FormatSchema = z
  .object({ response: z.string(), message: z.string(), conversation_id: z.string(), _metadata: MetadataSchema })
  .openapi('GaiaChatV03Format');

export const postChatV1Route = createRoute({
  method: 'post',
  path: '/chat',
  operationId: 'postGaiaChatV1',
  tags: ['gaia'],
  summary: 'GAIA chat (v1): OpenAI-style JSON, v0.3-format JSON (response_format / X-Response-Format) or SSE (stream: true)',
  request: { body: { required: true, content: { 'application/json': { schema: GaiaChatBodySchema } } } },
  responses: {
    200: {
      description: 'The reply (JSON) or the v1 event stream',
      content: {
        'application/json': { schema: z.union([GaiaChatCompletionSchema, GaiaChatV03FormatSchema]) },
        'text/event-stream': { schema: z.string() },
      },
    },
    400: { description: 'Invalid JSON body, or an empty message' },
    403: { description: 'The caller may not chat' },
    404: { description: 'Conversation not found' },
    422: { description: 'No message' },
    503: { description: 'The model could not answer' },
  },
});

/**
 * `POST /api/v1/chat`. `model` is a preference: one this deployment does not serve is answered by the default, and
 * the OpenAI-style answer names the model that answered (top-level `model`, `_metadata.model`, stream chunks' `model`).
 */
export function registerPostChatV1(app: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  app.openapi(postChatV1Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:write');
    const body = c.req.valid('json');
    const message = v1Message(body);
    if (message === undefined) {
      return c.json({ detail: [{ type: 'missing', loc: ['body', 'message'], msg: 'Field required', input: null }] }, 422) as never;
    }
    checkMessage(message, 'detail');
    const conversationId = newConversationRequested(body.conversation_id) ? null : (body.conversation_id as string);
    const chat = await startGaiaChat(c, deps, { principal, conversationId, message, ...v1Options(body) });
    if (body.stream === true) return sseResponse(gaiaV1Stream(chat.events, chat.completionId), { 'X-Request-Id': chat.completionId }) as never;

    const reply = await collectReply(chat.events);
    const { done } = reply;
    const metadata = {
      route_type: done.routeType,
      routing_time_ms: Math.round(done.timings.routingMs),
      llm_time_ms: Math.round(done.timings.llmMs),
      total_time_ms: Math.round(done.timings.totalMs),
      request_id: chat.completionId,
      conversation_id: reply.conversationId,
    };
    const format = String(body.response_format ?? c.req.header('x-response-format') ?? 'openai').toLowerCase();
    if (format === 'v0.3') {
      return c.json({ response: reply.text, message, conversation_id: reply.conversationId, _metadata: metadata }, 200);
    }
    return c.json(
      {
        id: chat.completionId,
        object: 'chat.completion' as const,
        created: reply.created,
        model: done.model,
        choices: [{ index: 0, message: { role: 'assistant' as const, content: reply.text }, finish_reason: done.finishReason === 'length' ? 'length' : 'stop' }],
        usage: {
          prompt_tokens: done.usage.inputTokens,
          completion_tokens: done.usage.outputTokens,
          total_tokens: done.usage.inputTokens + done.usage.outputTokens,
        },
        _metadata: { ...metadata, model: done.model },
      },
      200,
    );
  });
}
