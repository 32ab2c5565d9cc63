import { z } from 'zod';
import { ProviderError, type ProviderEvent, type Usage } from '../../engine/types.ts';
import { parseProviderData } from '../errors.ts';
import { AnthropicUsageSchema, fromAnthropicStopReason, fromAnthropicUsage } from './response.ts';

/** The stream events this adapter reads (others, e.g. thinking deltas, pass unread). */
const EventSchemas = {
  message_start: z.object({ message: z.object({ usage: AnthropicUsageSchema }) }),
  content_block_start: z.object({
    index: z.number(),
    content_block: z.object({ type: z.string(), text: z.string().optional(), id: z.string().optional(), name: z.string().optional() }),
  }),
  content_block_delta: z.object({
    index: z.number(),
    delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }),
  }),
  content_block_stop: z.object({ index: z.number() }),
  message_delta: z.object({
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: AnthropicUsageSchema.nullish(),
  }),
};

const TypedSchema = z.object({ type: z.string() });

interface ToolBlock {
  id: string;
  name: string;
  json: string;
}

/**
 * Anthropic stream events as provider events: `text_delta`s as text; a `tool_use` block's `input_json_delta`s
 * assembled and emitted as one tool call at its `content_block_stop`; usage from `message_start` (input) and
 * `message_delta` (cumulative output); usage and finish at `message_stop`.
 * @example for await (const event of anthropicStreamEvents(await client.messages.create(body))) ...
 */
export async function* anthropicStreamEvents(events: AsyncIterable<unknown>, provider = 'anthropic'): AsyncGenerator<ProviderEvent> {
  const tools = new Map<number, ToolBlock>();
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let stopReason: string | null | undefined;
  const parse = <T>(schema: z.ZodType<T>, raw: unknown, type: string) => parseProviderData(schema, raw, provider, `${type} event`);

  for await (const raw of events) {
    const { type } = parseProviderData(TypedSchema, raw, provider, 'stream event');
    switch (type) {
      case 'message_start':
        usage = fromAnthropicUsage(parse(EventSchemas.message_start, raw, type).message.usage, usage);
        break;
      case 'content_block_start': {
        const { index, content_block: block } = parse(EventSchemas.content_block_start, raw, type);
        if (block.type === 'tool_use') {
          if (!block.id || !block.name) throw new ProviderError('invalid_response', `${provider} sent a tool_use block without id or name`, { provider });
          tools.set(index, { id: block.id, name: block.name, json: '' });
        } else if (block.type === 'text' && block.text) {
          yield { type: 'text', text: block.text };
        }
        break;
      }
      case 'content_block_delta': {
        const { index, delta } = parse(EventSchemas.content_block_delta, raw, type);
        if (delta.type === 'text_delta' && delta.text) yield { type: 'text', text: delta.text };
        const tool = tools.get(index);
        if (delta.type === 'input_json_delta' && tool) tool.json += delta.partial_json ?? '';
        break;
      }
      case 'content_block_stop': {
        const tool = tools.get(parse(EventSchemas.content_block_stop, raw, type).index);
        if (tool) yield { type: 'tool_call', call: { id: tool.id, name: tool.name, arguments: tool.json || '{}' } };
        break;
      }
      case 'message_delta': {
        const event = parse(EventSchemas.message_delta, raw, type);
        stopReason = event.delta.stop_reason ?? stopReason;
        if (event.usage) usage = fromAnthropicUsage(event.usage, usage);
        break;
      }
      case 'message_stop':
        yield { type: 'usage', usage };
        yield { type: 'finish', reason: fromAnthropicStopReason(stopReason) };
        return;
    }
  }
  throw new ProviderError('invalid_response', `${provider} stream ended without message_stop`, { provider });
}
