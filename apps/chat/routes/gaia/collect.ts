import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { ChatEvent } from '../../engine/events.ts';

export type CollectedReply = {
  conversationId: string;
  created: number;
  text: string;
  done: Extract<ChatEvent, { type: 'done' }>;
};

/**
 * A whole reply from the engine's events, for the non-streaming routes. A reply that fails after it started is
 * stored as partial by the engine and answered here as GAIA's 503 (`key` = `detail`, or `error` on v0.3).
 */
export async function collectReply(events: AsyncIterable<ChatEvent>, key: 'detail' | 'error' = 'detail'): Promise<CollectedReply> {
  let conversationId = '';
  let created = Math.floor(Date.now() / 1000);
  let text = '';
  for await (const event of events) {
    if (event.type === 'start') {
      conversationId = event.conversationId;
      created = event.created;
    } else if (event.type === 'text') text += event.text;
    else if (event.type === 'done') return { conversationId, created, text, done: event };
    else if (event.type === 'error') throw new GaiaError(503, event.message, { key, headers: { 'Retry-After': '5' } });
  }
  throw new GaiaError(503, 'The reply ended unexpectedly; try again', { key });
}
