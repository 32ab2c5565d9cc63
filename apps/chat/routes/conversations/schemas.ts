import { z } from '@hono/zod-openapi';
import { GaiaDetailSchema, GaiaValidationErrorSchema } from '../../../../lib/gaia/schemas.ts';
import type { Conversation, StoredMessage } from '../../store/types.ts';

/** GAIA's v1 Conversation (§8): exactly these keys. */
export const GaiaConversationSchema = z
  .object({
    id: z.string().openapi({ description: 'Lowercase UUID' }),
    title: z.string(),
    preview: z.string().openapi({ description: 'The start of the first reply; "" until then' }),
    created_at: z.string().openapi({ description: 'ISO-8601' }),
    updated_at: z.string().openapi({ description: 'ISO-8601' }),
  })
  .openapi('GaiaConversation');
export type GaiaConversation = z.infer<typeof GaiaConversationSchema>;

/** GAIA's v1 Message (§8): exactly these keys; the last three are nullable. */
export const GaiaMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    model: z.string().nullable(),
    provider: z.string().nullable(),
    tokens_used: z.number().int().nullable().openapi({ description: 'Input + output tokens of a reply' }),
    created_at: z.string(),
  })
  .openapi('GaiaMessage');
export type GaiaMessage = z.infer<typeof GaiaMessageSchema>;

/** A v0.3 list item and `GET /api/v0.3/conversations/{id}`: exactly these keys. */
export const GaiaConversationV03Schema = z
  .object({ conversation_id: z.string(), title: z.string(), created_at: z.string() })
  .openapi('GaiaConversationV03');
export type GaiaConversationV03 = z.infer<typeof GaiaConversationV03Schema>;

/** A v0.3 message: exactly these keys. */
export const GaiaMessageV03Schema = z
  .object({ role: z.enum(['user', 'assistant']), content: z.string(), created_at: z.string() })
  .openapi('GaiaMessageV03');
export type GaiaMessageV03 = z.infer<typeof GaiaMessageV03Schema>;

export { GaiaDetailSchema, GaiaValidationErrorSchema };

/** The conversation id in the path: any string (a non-UUID is simply not found). */
export const ConversationParamsSchema = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'Conversation id (lowercase UUID)' }),
});

/** `{"title"?: string}`; unknown fields are ignored. A missing, null or blank title means `New Conversation`. */
export const NewConversationBodySchema = z
  .object({ title: z.string().max(500).nullable().optional().openapi({ description: 'Default "New Conversation"' }) })
  .openapi('GaiaNewConversation');

export const conversationErrorResponses = {
  403: { description: 'The caller may not use conversations', content: { 'application/json': { schema: GaiaDetailSchema } } },
  404: { description: 'Conversation not found (unknown, foreign or deleted)', content: { 'application/json': { schema: GaiaDetailSchema } } },
} as const;

/**
 * GAIA's v1 Conversation of a stored one.
 * @example c.json(toGaiaConversation(conversation), 201)
 */
export function toGaiaConversation(conversation: Conversation): GaiaConversation {
  return {
    id: conversation.id,
    title: conversation.title,
    preview: conversation.preview,
    created_at: conversation.createdAt.toISOString(),
    updated_at: conversation.updatedAt.toISOString(),
  };
}

/** GAIA's v0.3 conversation item of a stored one. */
export function toGaiaConversationV03(conversation: Conversation): GaiaConversationV03 {
  return { conversation_id: conversation.id, title: conversation.title, created_at: conversation.createdAt.toISOString() };
}

type ShownMessage = StoredMessage & { role: 'user' | 'assistant' };

/**
 * The messages GAIA clients see: the user's and the assistant's, oldest first. Tool and system rows are internal, and
 * assistant rows without text (tool-call steps, replies that failed before any text) would show as empty bubbles;
 * partial replies are shown with the text they got.
 * @example const shown = visibleMessages(await listMessages(store, conversation.id));
 */
export function visibleMessages(messages: StoredMessage[]): ShownMessage[] {
  return messages.filter(
    (m): m is ShownMessage => m.role === 'user' || (m.role === 'assistant' && m.content !== ''),
  );
}

/** GAIA's v1 Message; `tokens_used` is input + output for a reply with recorded usage, else null. */
export function toGaiaMessage(message: ShownMessage): GaiaMessage {
  return {
    id: message.id,
    role: message.role,
    content: message.content,
    model: message.model,
    provider: message.provider,
    tokens_used: message.role === 'assistant' && message.usage ? message.usage.inputTokens + message.usage.outputTokens : null,
    created_at: message.createdAt.toISOString(),
  };
}

/** GAIA's v0.3 message. */
export function toGaiaMessageV03(message: ShownMessage): GaiaMessageV03 {
  return { role: message.role, content: message.content, created_at: message.createdAt.toISOString() };
}
