import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdoutSink } from './stdout-sink.ts';

describe('createStdoutSink', () => {
  it('writes the lines of one event-loop turn in a single write, in order', async () => {
    const stream = new PassThrough();
    const writes: string[] = [];
    stream.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
    const sink = createStdoutSink(stream);
    sink('{"n":1}');
    sink('{"n":2}');
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n']);
    sink('{"n":3}');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n', '{"n":3}\n']);
  });
});
