import { z } from 'zod';
import type { FinishReason, ProviderEvent, Usage } from '../../engine/types.ts';
import { parseProviderData } from '../errors.ts';

export const AnthropicUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

type AnthropicUsage = z.infer<typeof AnthropicUsageSchema>;

/** What this adapter reads of a non-streamed `message`; other block types (thinking, server tools) are skipped. */
const MessageSchema = z.object({
  content: z.array(
    z.object({
      type: z.string(),
      text: z.string().optional(),
      id: z.string().optional(),
      name: z.string().optional(),
      input: z.unknown().optional(),
    }),
  ),
  stop_reason: z.string().nullish(),
  usage: AnthropicUsageSchema,
});

/** Anthropic's usage in our terms: input counts cached prompt tokens too. Absent fields keep `previous`. */
export function fromAnthropicUsage(usage: AnthropicUsage, previous: Usage = { inputTokens: 0, outputTokens: 0 }): Usage {
  const input =
    usage.input_tokens == null
      ? previous.inputTokens
      : usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
  return { inputTokens: input, outputTokens: usage.output_tokens ?? previous.outputTokens };
}

export function fromAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * A non-streamed message as the same events a stream produces.
 * @example for (const event of fromAnthropicMessage(await client.messages.create(body))) ...
 */
export function fromAnthropicMessage(message: unknown, provider = 'anthropic'): ProviderEvent[] {
  const parsed = parseProviderData(MessageSchema, message, provider, 'message');
  const events: ProviderEvent[] = [];
  for (const block of parsed.content) {
    if (block.type === 'text' && block.text) events.push({ type: 'text', text: block.text });
    if (block.type === 'tool_use' && block.id && block.name) {
      const call = { id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) };
      events.push({ type: 'tool_call', call });
    }
  }
  events.push({ type: 'usage', usage: fromAnthropicUsage(parsed.usage) });
  events.push({ type: 'finish', reason: fromAnthropicStopReason(parsed.stop_reason) });
  return events;
}
