import type { EventSourceMessage } from 'eventsource-parser';
import { EventSourceParserStream } from 'eventsource-parser/stream';

/** Headers of every SSE response: no caching, no proxy buffering (nginx honours `X-Accel-Buffering`). */
export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
} as const;

const encoder = new TextEncoder();

/** One `data:` event (`data: <json>` + blank line); strings are sent as-is, multi-line strings as several lines. */
export function encodeSseData(data: unknown): Uint8Array {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return encoder.encode(`${text.split(/\r?\n/).map((line) => `data: ${line}`).join('\n')}\n\n`);
}

/**
 * A streaming SSE response over an async iterable: each item is flushed as one `data:` event the moment it is
 * produced; when the client goes away the iterator's `return()` runs, so producers can stop (and abort upstream work).
 * @example return sseResponse(chunks(), { 'X-Request-Id': id });
 */
export function sseResponse(events: AsyncIterable<unknown>, headers: Record<string, string> = {}): Response {
  const iterator = events[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(encodeSseData(value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
}

/**
 * Parses an SSE body into events (with `eventsource-parser`), for clients and tests.
 * @example for await (const event of parseSse(res.body!)) console.log(JSON.parse(event.data));
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<EventSourceMessage> {
  // DOM typings declare TextDecoderStream's writable side as BufferSource; Uint8Array chunks are what it takes.
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  const reader = body.pipeThrough(decoder).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
