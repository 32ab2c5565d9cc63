import type { Persona, StoredMessage, StoredToolCall } from '../store/types.ts';
import type { ChatMessage } from './types.ts';

/** The model's view of the stored history: user and assistant text (tool transcripts of past turns are not replayed). */
export function historyMessages(stored: readonly StoredMessage[]): ChatMessage[] {
  return stored
    .filter((m) => (m.role === 'user' || m.role === 'assistant') && m.content !== '')
    .map((m) => ({ role: m.role, content: m.content }));
}

/** System prompt (the persona's), history, then the new user message. */
export function promptMessages(persona: Persona | null, history: readonly StoredMessage[], message: string): ChatMessage[] {
  return [
    ...(persona?.systemPrompt ? [{ role: 'system' as const, content: persona.systemPrompt }] : []),
    ...historyMessages(history),
    { role: 'user', content: message },
  ];
}

/** The tool calls of a turn with their results, as stored on the assistant message. */
export function storedToolCalls(added: readonly ChatMessage[]): StoredToolCall[] | null {
  const calls: StoredToolCall[] = [];
  for (const message of added) {
    for (const call of message.toolCalls ?? []) calls.push({ ...call });
    if (message.role === 'tool') {
      const call = calls.find((c) => c.id === message.toolCallId);
      if (call) {
        call.result = message.content;
        call.isError = message.isError ?? false;
      }
    }
  }
  return calls.length > 0 ? calls : null;
}
