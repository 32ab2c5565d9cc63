import type { ProviderEvent, ToolCall } from '../../engine/types.ts';
import { abortedError } from '../errors.ts';
import { estimateTokens, LOCAL_PROVIDER } from './api.ts';

/** `text` in word-sized pieces (each word with its trailing space); joined they are `text` exactly. */
export function splitWords(text: string): string[] {
  return text.split(/(?<=\s)(?=\S)/).filter(Boolean);
}

/**
 * A local reply as a provider stream: word-sized text events (or one tool call), usage (≈ chars/4) and finish.
 * Stops with `aborted` as soon as `signal` fires.
 */
export async function* localStreamEvents(
  reply: { text: string } | { call: ToolCall },
  inputText: string,
  signal: AbortSignal,
): AsyncGenerator<ProviderEvent> {
  const events: ProviderEvent[] =
    'call' in reply
      ? [{ type: 'tool_call', call: reply.call }]
      : splitWords(reply.text).map((text): ProviderEvent => ({ type: 'text', text }));
  const output = 'call' in reply ? reply.call.arguments : reply.text;
  events.push({ type: 'usage', usage: { inputTokens: estimateTokens(inputText), outputTokens: estimateTokens(output) } });
  events.push({ type: 'finish', reason: 'call' in reply ? 'tool_calls' : 'stop' });
  for (const event of events) {
    if (signal.aborted) throw abortedError(LOCAL_PROVIDER, signal.reason);
    yield event;
  }
}
