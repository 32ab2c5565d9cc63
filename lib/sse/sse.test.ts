import { describe, expect, it } from 'vitest';
import { encodeSseData, parseSse, sseResponse } from './sse.ts';

describe('SSE helpers', () => {
  it('encodes data-only events, splitting multi-line strings', () => {
    const text = (u: Uint8Array) => new TextDecoder().decode(u);
    expect(text(encodeSseData({ type: 'content', content: 'Hi' }))).toBe('data: {"type":"content","content":"Hi"}\n\n');
    expect(text(encodeSseData('[DONE]'))).toBe('data: [DONE]\n\n');
    expect(text(encodeSseData('a\nb'))).toBe('data: a\ndata: b\n\n');
  });

  it('streams each event as it is produced and parses back', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* events() {
      yield { n: 1 };
      await gate;
      yield '[DONE]';
    }
    const res = sseResponse(events(), { 'X-Extra': '1' });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const iterator = parseSse(res.body!);
    const first = await iterator.next();
    expect(JSON.parse(first.value!.data)).toEqual({ n: 1 });
    release();
    expect((await iterator.next()).value!.data).toBe('[DONE]');
    expect((await iterator.next()).done).toBe(true);
  });

  it('runs the producer cleanup when the reader cancels', async () => {
    let cleaned = false;
    async function* events() {
      try {
        for (let i = 0; ; i++) yield { i };
      } finally {
        cleaned = true;
      }
    }
    const reader = sseResponse(events()).body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(cleaned).toBe(true);
  });
});
