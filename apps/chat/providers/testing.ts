import type { ChatMessage, ProviderEvent, ProviderRequest, ToolSpec } from '../engine/types.ts';

/** Test helpers for provider adapters. */

export const KB_TOOL: ToolSpec = {
  name: 'kb_context',
  description: 'Passages from the knowledge base',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

export function providerRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say hello.' },
  ];
  return { model: 'test-model', messages, signal: new AbortController().signal, ...overrides };
}

/** Every event of a stream; on failure rejects with the error and leaves the events seen so far in `seen`. */
export async function collect<T>(stream: AsyncIterable<T>, seen: T[] = []): Promise<T[]> {
  for await (const event of stream) seen.push(event);
  return seen;
}

export const textOf = (events: ProviderEvent[]): string =>
  events.map((event) => (event.type === 'text' ? event.text : '')).join('');

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
