import { z } from 'zod';
import type { FinishReason, ProviderEvent, Usage } from '../../engine/types.ts';
import { parseProviderData } from '../errors.ts';

const UsageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() });

/** What this adapter reads of a non-streamed `chat.completion`; anything else is ignored. */
const CompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            .array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }))
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: UsageSchema.nullish(),
});

export const OpenAiUsageSchema = UsageSchema;

export function fromOpenAiUsage(usage: z.infer<typeof UsageSchema>): Usage {
  return { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
}

/** OpenAI's `finish_reason` in our terms; a reply that called tools finishes with `tool_calls` whatever it says. */
export function fromOpenAiFinishReason(reason: string | null | undefined, calledTools: boolean): FinishReason {
  if (calledTools || reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
  if (reason === 'length') return 'length';
  if (reason === 'content_filter') return 'content_filter';
  return 'stop';
}

/**
 * A non-streamed completion as the same events a stream produces.
 * @example for (const event of fromOpenAiCompletion(await client.chat.completions.create(body))) ...
 */
export function fromOpenAiCompletion(completion: unknown, provider = 'openai'): ProviderEvent[] {
  const { choices, usage } = parseProviderData(CompletionSchema, completion, provider, 'completion');
  const [choice] = choices as [(typeof choices)[number]];
  const events: ProviderEvent[] = [];
  const text = choice.message.content || choice.message.refusal;
  if (text) events.push({ type: 'text', text });
  const calls = choice.message.tool_calls ?? [];
  for (const call of calls) {
    events.push({ type: 'tool_call', call: { id: call.id, name: call.function.name, arguments: call.function.arguments } });
  }
  if (usage) events.push({ type: 'usage', usage: fromOpenAiUsage(usage) });
  events.push({ type: 'finish', reason: fromOpenAiFinishReason(choice.finish_reason, calls.length > 0) });
  return events;
}
