import { z } from '@hono/zod-openapi';
import type { ChatMessage, ToolSpec } from '../../engine/types.ts';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const Content = z.union([z.string(), z.array(z.union([TextPart, z.looseObject({ type: z.string() })])), z.null()]);

const ToolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function').default('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const OpenAiMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: Content.optional(),
  name: z.string().optional(),
  tool_calls: z.array(ToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});

export const ChatCompletionBodySchema = z
  .looseObject({
    model: z.string().min(1).openapi({ description: '`<provider>/<model>` or a model name from GET /v1/models', example: 'local/gaia-local' }),
    messages: z.array(OpenAiMessageSchema).min(1),
    stream: z.boolean().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
    tools: z
      .array(
        z.object({
          type: z.literal('function'),
          function: z.object({ name: z.string().min(1).max(64), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
        }),
      )
      .optional()
      .openapi({ description: "The client's tools: the model's calls come back to the client (the platform's own tools are then off)" }),
    max_tokens: z.number().int().positive().nullable().optional(),
    max_completion_tokens: z.number().int().positive().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    conversation_id: z.uuid().optional().openapi({ description: 'GAIA extension: continue (and store into) one of your conversations' }),
  })
  .openapi('ChatCompletionRequest');
export type ChatCompletionBody = z.infer<typeof ChatCompletionBodySchema>;

const textOf = (content: z.infer<typeof Content> | undefined): string =>
  typeof content === 'string' ? content : (content ?? []).map((part) => (part.type === 'text' && 'text' in part ? String(part.text) : '')).join('');

/** The client's messages in our format (`developer` counts as `system`). */
export function promptOf(body: ChatCompletionBody): ChatMessage[] {
  return body.messages.map((m): ChatMessage => {
    const role = m.role === 'developer' ? 'system' : m.role;
    return {
      role,
      content: textOf(m.content),
      ...(m.tool_calls ? { toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) } : {}),
      ...(m.tool_call_id ? { toolCallId: m.tool_call_id } : {}),
      ...(m.name && role === 'tool' ? { name: m.name } : {}),
    };
  });
}

/** The client's tools in our format. */
export function clientToolsOf(body: ChatCompletionBody): ToolSpec[] | undefined {
  return body.tools?.map((t) => ({
    name: t.function.name,
    description: t.function.description ?? '',
    parameters: t.function.parameters ?? { type: 'object', properties: {} },
  }));
}

export const ModelListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() })),
  })
  .openapi('ModelList');
