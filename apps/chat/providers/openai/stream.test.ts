import { describe, expect, it } from 'vitest';
import type { ProviderError } from '../../engine/types.ts';
import { collect, rejectionOf } from '../testing.ts';
import { openAiStreamEvents } from './stream.ts';

async function* chunks(...items: unknown[]) {
  yield* items;
}

describe('openAiStreamEvents', () => {
  it('assembles a tool call without an id (some compatible servers) and finishes tool_calls even on "stop"', async () => {
    const events = await collect(
      openAiStreamEvents(
        chunks(
          { choices: [{ delta: { tool_calls: [{ index: 0, function: { name: 'kb_context', arguments: '{"qu' } }] } }] },
          { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: 'ery":"x"}' } }] } }] },
          { choices: [{ delta: {}, finish_reason: 'stop' }] },
        ),
      ),
    );
    expect(events).toEqual([
      { type: 'tool_call', call: { id: 'call_0', name: 'kb_context', arguments: '{"query":"x"}' } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('rejects chunks of the wrong shape and streams without a finish_reason as invalid_response', async () => {
    const wrong = (await rejectionOf(collect(openAiStreamEvents(chunks({ choices: 'nope' }))))) as ProviderError;
    expect(wrong.kind).toBe('invalid_response');
    const unfinished = (await rejectionOf(collect(openAiStreamEvents(chunks({ choices: [{ delta: { content: 'hi' } }] }))))) as ProviderError;
    expect(unfinished.kind).toBe('invalid_response');
  });
});
