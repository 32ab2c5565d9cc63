import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { jsonBody } from '../../../../lib/openapi/json.ts';
import { sseResponse } from '../../../../lib/sse/sse.ts';
import type { ChatDeps } from '../../deps.ts';
import { ChatRequestError, MAX_MESSAGE_CHARS } from '../../engine/engine.ts';
import type { ChatEvent } from '../../engine/events.ts';
import type { ToolCall } from '../../engine/types.ts';
import { modelNotFound, openAiErrorResponses } from './errors.ts';
import { ChatCompletionBodySchema, clientToolsOf, promptOf } from './schemas.ts';

export const postChatCompletionsRoute = createRoute({
  method: 'post',
  path: '/v1/chat/completions',
  operationId: 'createChatCompletion',
  tags: ['openai'],
  summary: 'OpenAI-compatible chat completions (streaming and not, tools passed through); each call is kept as a conversation',
  description:
    'Works with the official OpenAI SDKs pointed at `<gateway>/v1` with a GAIA API key. The `messages` are the prompt. ' +
    "Without `tools` the platform's own tools (knowledge base, MCP) may be used; with `tools`, tool calls come back to the client. " +
    'Strict about `model`: one not served here is OpenAI’s 404 `model_not_found`. Errors come in OpenAI’s shape.',
  middleware: [requirePermission('chat:write')] as const,
  request: { body: jsonBody(ChatCompletionBodySchema) },
  responses: {
    200: {
      description: 'A chat.completion, or a stream of chat.completion.chunk events ending with [DONE]',
      content: { 'application/json': { schema: z.object({}).passthrough() }, 'text/event-stream': { schema: z.string() } },
    },
    ...openAiErrorResponses,
    401: authErrorResponses[401],
  },
});

const wireCall = (call: ToolCall, index?: number) => ({
  ...(index === undefined ? {} : { index }),
  id: call.id,
  type: 'function' as const,
  function: { name: call.name, arguments: call.arguments },
});

const usageOf = (usage: { inputTokens: number; outputTokens: number }) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
});

/** `POST /v1/chat/completions`. */
export function registerChatCompletions(app: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  app.openapi(postChatCompletionsRoute, async (c) => {
    const body = c.req.valid('json');
    const prompt = promptOf(body);
    const last = prompt.at(-1)!;
    const message = last.content || (last.role === 'tool' ? `[tool result for ${last.toolCallId ?? 'a call'}]` : '');
    if (prompt.reduce((n, m) => n + m.content.length, 0) > MAX_MESSAGE_CHARS * 8) {
      throw new ApiError('PAYLOAD_TOO_LARGE', `The messages are longer than ${MAX_MESSAGE_CHARS * 8} characters in all`);
    }
    const id = `chatcmpl-${crypto.randomUUID()}`;
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    const clientTools = clientToolsOf(body);
    let events: AsyncIterable<ChatEvent>;
    try {
      events = await deps.engine.start({
        principal: principalOf(c),
        conversationId: body.conversation_id ?? null,
        message,
        model: body.model,
        prompt,
        ...(clientTools ? { clientTools } : {}),
        ...(maxTokens ? { maxTokens } : {}),
        ...(body.temperature != null ? { temperature: body.temperature } : {}),
        signal: c.req.raw.signal,
        requestId: id,
      });
    } catch (err) {
      if (err instanceof ChatRequestError) {
        if (err.kind === 'unknown_model') throw modelNotFound(body.model);
        throw new ApiError('NOT_FOUND', err.message);
      }
      throw err;
    }
    if (body.stream) return sseResponse(openAiStream(events, id, body.model, { includeUsage: body.stream_options?.include_usage === true, clientTools: clientTools !== undefined })) as never;

    let text = '';
    const calls: ToolCall[] = [];
    for await (const event of events) {
      if (event.type === 'text') text += event.text;
      else if (event.type === 'tool_call' && clientTools) calls.push(event.call);
      else if (event.type === 'error') throw new ApiError('BAD_GATEWAY', event.message);
      else if (event.type === 'done') {
        return c.json(
          {
            id,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: `${event.provider}/${event.model}`,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: text === '' && calls.length > 0 ? null : text, ...(calls.length > 0 ? { tool_calls: calls.map((call) => wireCall(call)) } : {}), refusal: null },
                finish_reason: event.finishReason === 'error' ? 'stop' : event.finishReason,
                logprobs: null,
              },
            ],
            usage: usageOf(event.usage),
          },
          200,
        );
      }
    }
    throw new ApiError('BAD_GATEWAY', 'The reply ended unexpectedly');
  });
}

/** The OpenAI stream: a role chunk, content and tool-call deltas, a finish chunk, the usage chunk if asked, [DONE]. */
async function* openAiStream(
  events: AsyncIterable<ChatEvent>,
  id: string,
  model: string,
  { includeUsage, clientTools }: { includeUsage: boolean; clientTools: boolean },
): AsyncGenerator<unknown> {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  let callIndex = 0;
  for await (const event of events) {
    if (event.type === 'start') yield chunk({ role: 'assistant', content: '' });
    else if (event.type === 'text') yield chunk({ content: event.text });
    // Only the client's own tools are its business; the platform's tool calls stay inside the turn.
    else if (event.type === 'tool_call' && clientTools) yield chunk({ tool_calls: [wireCall(event.call, callIndex++)] });
    else if (event.type === 'done') {
      yield chunk({}, event.finishReason === 'error' ? 'stop' : event.finishReason);
      if (includeUsage) yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(event.usage) };
      yield '[DONE]';
      return;
    } else if (event.type === 'error') {
      yield { error: { message: event.message, type: 'server_error', param: null, code: 'stream_interrupted' } };
      yield '[DONE]';
      return;
    }
  }
}
