import type { ChatEvent, Timings } from '../../engine/events.ts';
import { wordChunker } from './chunker.ts';

/** The model name GAIA's stream metadata shows (never a provider or real model name). */
export const UNIFIED_MODEL = 'unified-chat';

const timingMetadata = (t: Timings) => ({
  type: 'metadata',
  time_to_first_chunk_ms: t.timeToFirstChunkMs ?? t.totalMs,
  routing_time_ms: Math.round(t.routingMs),
  llm_time_ms: Math.round(t.llmMs),
  total_time_ms: Math.round(t.totalMs),
});

/**
 * GAIA's v1 stream (§7.1): conversation metadata, OpenAI `chat.completion.chunk`s cut at word boundaries (their
 * `model` is the model answering, also after a fallback), tool
 * events, timing metadata, `{"type":"done","finish_reason":"stop"}`, then the literal `[DONE]`. A failure after the
 * start becomes GAIA's error chunk, then `[DONE]`.
 */
export async function* gaiaV1Stream(events: AsyncIterable<ChatEvent>, completionId: string): AsyncGenerator<unknown> {
  const chunker = wordChunker();
  let created = Math.floor(Date.now() / 1000);
  let model = UNIFIED_MODEL;
  const chunk = (content: string) => ({
    id: completionId,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  });
  for await (const event of events) {
    switch (event.type) {
      case 'start':
        created = event.created;
        model = event.model;
        yield { type: 'metadata', conversation_id: event.conversationId, model: UNIFIED_MODEL, timestamp: event.created };
        break;
      case 'model':
        model = event.model;
        break;
      case 'text': {
        const text = chunker.push(event.text);
        if (text) yield chunk(text);
        break;
      }
      case 'tool_call':
        yield { type: 'tool_call', id: event.call.id, name: event.call.name, arguments: event.call.arguments };
        break;
      case 'tool_result':
        yield { type: 'tool_result', tool_call_id: event.callId, name: event.name, is_error: event.isError };
        break;
      case 'tool_progress':
        yield {
          type: 'tool_progress',
          tool_call_id: event.callId,
          name: event.name,
          ...(event.percent === undefined ? {} : { percent: event.percent }),
          ...(event.message === undefined ? {} : { message: event.message }),
        };
        break;
      case 'done': {
        const rest = chunker.flush();
        if (rest) yield chunk(rest);
        yield timingMetadata(event.timings);
        yield { type: 'done', finish_reason: 'stop' };
        yield '[DONE]';
        return;
      }
      case 'error': {
        const rest = chunker.flush();
        if (rest) yield chunk(rest);
        yield {
          id: completionId,
          object: 'chat.completion.chunk',
          created,
          model: 'error',
          choices: [{ index: 0, delta: {}, finish_reason: 'error' }],
          error: { message: event.message, type: 'streaming_error' },
        };
        yield '[DONE]';
        return;
      }
    }
  }
}

/**
 * GAIA's v0.3 stream (§7.2): only `metadata`, `content` (exact keys `{type, content}`, never empty), `error` and a
 * final `{"type":"done"}`; no tool events, no `[DONE]`.
 */
export async function* gaiaV03Stream(events: AsyncIterable<ChatEvent>): AsyncGenerator<unknown> {
  const chunker = wordChunker();
  for await (const event of events) {
    switch (event.type) {
      case 'start':
        yield { type: 'metadata', conversation_id: event.conversationId, model: UNIFIED_MODEL, timestamp: event.created };
        break;
      case 'text': {
        const text = chunker.push(event.text);
        if (text) yield { type: 'content', content: text };
        break;
      }
      case 'done': {
        const rest = chunker.flush();
        if (rest) yield { type: 'content', content: rest };
        yield timingMetadata(event.timings);
        yield { type: 'done' };
        return;
      }
      case 'error': {
        const rest = chunker.flush();
        if (rest) yield { type: 'content', content: rest };
        yield { type: 'error', error: event.message };
        yield { type: 'done' };
        return;
      }
      default:
        break;
    }
  }
}
