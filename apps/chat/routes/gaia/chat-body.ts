import { z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import { MAX_MESSAGE_CHARS } from '../../engine/engine.ts';

/** GAIA's chat request (§6): unknown fields are accepted and ignored. */
export const GaiaChatBodySchema = z
  .looseObject({
    message: z.string().optional().openapi({ description: "The user's text (required on v0.3)" }),
    messages: z
      .array(z.looseObject({ role: z.string(), content: z.unknown() }))
      .optional()
      .openapi({ description: 'v1 only, OpenAI style: the last `user` entry replaces `message`' }),
    conversation_id: z.string().nullable().optional().openapi({ description: 'Absent, null, "" or "new" = a new conversation' }),
    stream: z.unknown().optional().openapi({ description: '`true` → server-sent events' }),
    response_format: z.unknown().optional().openapi({ description: 'v1: `openai` (default) or `v0.3`' }),
    model: z
      .unknown()
      .optional()
      .openapi({ description: 'A preference: `<provider>/<model>` or a name (GET /api/v1/models); one not served here is answered by the default. v0.3 ignores it' }),
    persona: z.unknown().optional().openapi({ description: 'Persona id or name; v0.3 ignores it' }),
    max_tokens: z.unknown().optional(),
    temperature: z.unknown().optional(),
    use_kb: z.unknown().optional().openapi({ description: '`false` turns the tools off' }),
  })
  .openapi('GaiaChatRequest');
export type GaiaChatBody = z.infer<typeof GaiaChatBodySchema>;

/** A conversation id meaning "start a new one". */
export function newConversationRequested(id: string | null | undefined): boolean {
  return id === undefined || id === null || id === '' || id === 'new';
}

/** The v1 message: `message`, else the content of the last `role: "user"` entry of `messages`. */
export function v1Message(body: GaiaChatBody): string | undefined {
  if (typeof body.message === 'string') return body.message;
  const last = body.messages?.findLast((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : undefined;
}

/** 400 for an empty or whitespace-only message, or one beyond the limit; `key` is `detail` (v1) or `error` (v0.3). */
export function checkMessage(message: string, key: 'detail' | 'error'): void {
  if (message.trim() === '') throw new GaiaError(400, 'Message must not be empty', { key });
  if (message.length > MAX_MESSAGE_CHARS) throw new GaiaError(400, `Message must be at most ${MAX_MESSAGE_CHARS} characters`, { key });
}

const finite = (value: unknown, min: number, max: number) =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;

/** The optional knobs of a v1 request, ignoring values of the wrong type (GAIA accepted anything). */
export function v1Options(body: GaiaChatBody): { model?: string; persona?: string; maxTokens?: number; temperature?: number; tools?: boolean } {
  const maxTokens = finite(body.max_tokens, 1, 200_000);
  const temperature = finite(body.temperature, 0, 2);
  return {
    ...(typeof body.model === 'string' && body.model !== '' ? { model: body.model } : {}),
    ...(typeof body.persona === 'string' && body.persona !== '' ? { persona: body.persona } : {}),
    ...(maxTokens !== undefined ? { maxTokens: Math.floor(maxTokens) } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(body.use_kb === false ? { tools: false } : {}),
  };
}
