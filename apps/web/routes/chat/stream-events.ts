import { z } from 'zod';

/** One event of GAIA's v1 chat stream, as far as the page needs it (anything else is ignored). */
const GaiaStreamEventSchema = z.object({
  type: z.string().optional(),
  conversation_id: z.string().optional(),
  name: z.string().optional(),
  is_error: z.boolean().optional(),
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish() }).optional(), finish_reason: z.string().nullish() })).optional(),
  error: z.object({ message: z.string() }).optional(),
});

/** What `POST /chat/stream` sends the page: `event: <type>` + `data: <JSON>`. */
export type BrowserEvent =
  | { type: 'meta'; data: { conversation_id: string } }
  | { type: 'text'; data: string }
  | { type: 'tool'; data: { name: string; is_error: boolean } }
  | { type: 'error'; data: { message: string } }
  | { type: 'done'; data: Record<string, never> };

/**
 * The page's events for one gateway event (`data:` payload): the conversation id, reply text, a tool the model used
 * (its result, so a failure shows), an error, and the end.
 * @example toBrowserEvents('{"type":"tool_result","name":"kb_context","is_error":false}') // [{ type: 'tool', ... }]
 */
export function toBrowserEvents(data: string): BrowserEvent[] {
  if (data === '[DONE]') return [{ type: 'done', data: {} }];
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return [];
  }
  const parsed = GaiaStreamEventSchema.safeParse(json);
  if (!parsed.success) return [];
  const event = parsed.data;
  if (event.error) return [{ type: 'error', data: { message: event.error.message } }];
  if (event.type === 'metadata' && event.conversation_id) return [{ type: 'meta', data: { conversation_id: event.conversation_id } }];
  if (event.type === 'tool_result' && event.name) return [{ type: 'tool', data: { name: event.name, is_error: event.is_error === true } }];
  const content = event.choices?.[0]?.delta?.content;
  return content ? [{ type: 'text', data: content }] : [];
}
