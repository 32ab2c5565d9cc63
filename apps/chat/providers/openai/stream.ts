import { z } from 'zod';
import { ProviderError, type ProviderEvent, type ToolCall, type Usage } from '../../engine/types.ts';
import { parseProviderData } from '../errors.ts';
import { fromOpenAiFinishReason, fromOpenAiUsage, OpenAiUsageSchema } from './response.ts';

/** What this adapter reads of a `chat.completion.chunk`; the usage chunk has no choices. */
const ChunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().nonnegative(),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: OpenAiUsageSchema.nullish(),
});

interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * OpenAI stream chunks as provider events: text deltas as they come; tool calls assembled from their deltas (split
 * over many chunks, keyed by `index`) and emitted once the choice finishes; then usage and finish.
 * @example for await (const event of openAiStreamEvents(await client.chat.completions.create(body))) ...
 */
export async function* openAiStreamEvents(chunks: AsyncIterable<unknown>, provider = 'openai'): AsyncGenerator<ProviderEvent> {
  const calls = new Map<number, PartialCall>();
  let finishReason: string | null | undefined;
  let finished = false;
  let usage: Usage | undefined;

  for await (const raw of chunks) {
    const chunk = parseProviderData(ChunkSchema, raw, provider, 'stream chunk');
    if (chunk.usage) usage = fromOpenAiUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const text = choice.delta?.content || choice.delta?.refusal;
    if (text) yield { type: 'text', text };
    for (const delta of choice.delta?.tool_calls ?? []) {
      const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.name += delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
      calls.set(delta.index, call);
    }
    if (choice.finish_reason && !finished) {
      finished = true;
      finishReason = choice.finish_reason;
      yield* completeCalls(calls, provider);
    }
  }

  if (!finished) {
    throw new ProviderError('invalid_response', `${provider} stream ended without a finish_reason`, { provider });
  }
  if (usage) yield { type: 'usage', usage };
  yield { type: 'finish', reason: fromOpenAiFinishReason(finishReason, calls.size > 0) };
}

function* completeCalls(calls: Map<number, PartialCall>, provider: string): Generator<ProviderEvent> {
  for (const [index, call] of [...calls].sort(([a], [b]) => a - b)) {
    if (!call.name) throw new ProviderError('invalid_response', `${provider} sent a tool call without a name`, { provider });
    const complete: ToolCall = { id: call.id || `call_${index}`, name: call.name, arguments: call.arguments || '{}' };
    yield { type: 'tool_call', call: complete };
  }
}
