import { describe, expect, it } from 'vitest';
import { toBrowserEvents } from './stream-events.ts';

describe('toBrowserEvents', () => {
  it('maps GAIA v1 stream events to the page events', () => {
    expect(toBrowserEvents('{"type":"metadata","conversation_id":"c1","model":"unified-chat"}')).toEqual([
      { type: 'meta', data: { conversation_id: 'c1' } },
    ]);
    expect(toBrowserEvents('{"choices":[{"index":0,"delta":{"content":"Hi "},"finish_reason":null}]}')).toEqual([{ type: 'text', data: 'Hi ' }]);
    expect(toBrowserEvents('{"type":"tool_result","tool_call_id":"t","name":"kb_search","is_error":true}')).toEqual([
      { type: 'tool', data: { name: 'kb_search', is_error: true } },
    ]);
    expect(toBrowserEvents('{"choices":[{"delta":{}}],"error":{"message":"boom","type":"streaming_error"}}')).toEqual([
      { type: 'error', data: { message: 'boom' } },
    ]);
    expect(toBrowserEvents('[DONE]')).toEqual([{ type: 'done', data: {} }]);
  });

  it('ignores what the page does not show, and garbage', () => {
    for (const data of ['{"type":"tool_call","name":"x"}', '{"type":"metadata","total_time_ms":3}', '{"type":"done"}', 'not json', '[1]']) {
      expect(toBrowserEvents(data)).toEqual([]);
    }
  });
});
