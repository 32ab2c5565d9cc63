import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderError } from '../engine/types.ts';
import { scriptedProvider, textTurn, toolTurn } from '../testing/scripted-provider.ts';
import { type LoopEvent, runToolLoop, type ToolLoopOptions } from './loop.ts';
import { defineTool, type Tool, toolOk } from './types.ts';

const seen: { name: string; signal: AbortSignal }[] = [];
const echo = defineTool({
  name: 'echo',
  description: 'Echoes text',
  source: 'asset',
  schema: z.object({ text: z.string() }),
  run: async ({ text }, { signal }) => {
    seen.push({ name: 'echo', signal });
    return toolOk(`echo: ${text}`);
  },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const slow = defineTool({
  name: 'slow',
  description: 'Answers after ms',
  source: 'asset',
  schema: z.object({ ms: z.number() }),
  run: async ({ ms }) => {
    await sleep(ms);
    return toolOk(`slept ${ms}`);
  },
});
const stuck: Tool = { spec: { name: 'stuck', description: 'Never answers', parameters: { type: 'object', properties: {} } }, source: 'asset', run: () => new Promise(() => {}) };
const broken: Tool = {
  spec: { name: 'broken', description: 'Throws', parameters: { type: 'object', properties: {} } },
  source: 'asset',
  run: async () => {
    throw new Error('kaput');
  },
};

const base = { model: 'm', messages: [{ role: 'system' as const, content: 'Be brief' }, { role: 'user' as const, content: 'Hi' }] };

async function collect(options: ToolLoopOptions): Promise<{ events: LoopEvent[]; error?: unknown }> {
  const events: LoopEvent[] = [];
  try {
    for await (const event of runToolLoop(options)) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

describe('runToolLoop', () => {
  it('streams a text-only answer with one step, usage and finish', async () => {
    const provider = scriptedProvider([textTurn('Hello there', { usage: { inputTokens: 7, outputTokens: 3 } })]);
    const loop = runToolLoop({ ...base, provider, tools: [echo], maxTokens: 100, temperature: 0.2 });
    const events: LoopEvent[] = [];
    for await (const event of loop) events.push(event);
    expect(events).toEqual([
      { type: 'step', step: 1 },
      { type: 'text', text: 'Hello ' },
      { type: 'text', text: 'there' },
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 3 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(await loop.result).toEqual({ messages: [{ role: 'assistant', content: 'Hello there' }], usage: { inputTokens: 7, outputTokens: 3 }, steps: 1, finishReason: 'stop' });
    expect(provider.requests[0]).toMatchObject({ model: 'm', messages: base.messages, maxTokens: 100, temperature: 0.2, tools: [echo.spec] });
  });

  it('streams a running tool\'s progress as it comes, before its result', async () => {
    const working = defineTool({
      name: 'working',
      description: 'Reports progress',
      source: 'asset',
      schema: z.object({}),
      run: async (_args, { progress }) => {
        for (const percent of [10, 50, 90]) {
          progress?.({ percent, message: `at ${percent}` });
          await sleep(5);
        }
        return toolOk('done');
      },
    });
    const provider = scriptedProvider([toolTurn([{ id: 'w1', name: 'working', arguments: {} }]), textTurn('Finished.')]);
    const { events, error } = await collect({ ...base, provider, tools: [working] });
    expect(error).toBeUndefined();
    const tooling = events.filter((e) => e.type === 'tool_progress' || e.type === 'tool_result');
    expect(tooling).toEqual([
      { type: 'tool_progress', callId: 'w1', name: 'working', percent: 10, message: 'at 10' },
      { type: 'tool_progress', callId: 'w1', name: 'working', percent: 50, message: 'at 50' },
      { type: 'tool_progress', callId: 'w1', name: 'working', percent: 90, message: 'at 90' },
      { type: 'tool_result', callId: 'w1', name: 'working', content: 'done', isError: false },
    ]);
  });

  it('offers no tools to the provider when there are none', async () => {
    const provider = scriptedProvider([textTurn('ok')]);
    await collect({ ...base, provider, tools: [] });
    expect(provider.requests[0]).not.toHaveProperty('tools');
  });

  it('runs a tool step, feeds the result back and streams the answer; usage is summed', async () => {
    const provider = scriptedProvider([
      toolTurn([{ id: 'c1', name: 'echo', arguments: { text: 'ping' } }], { text: 'Let me check. ' }),
      (request) => {
        expect(request.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'c1', name: 'echo', content: 'echo: ping', isError: false });
        return textTurn('It said ping.');
      },
    ]);
    const loop = runToolLoop({ ...base, provider, tools: [echo] });
    const events: LoopEvent[] = [];
    for await (const event of loop) events.push(event);
    expect(events.map((e) => e.type)).toEqual(['step', 'text', 'tool_call', 'usage', 'tool_result', 'step', 'text', 'text', 'usage', 'finish']);
    expect(events.filter((e) => e.type === 'finish')).toEqual([{ type: 'finish', reason: 'stop' }]);
    const result = await loop.result;
    expect(result.messages).toEqual([
      { role: 'assistant', content: 'Let me check. ', toolCalls: [{ id: 'c1', name: 'echo', arguments: '{"text":"ping"}' }] },
      { role: 'tool', toolCallId: 'c1', name: 'echo', content: 'echo: ping', isError: false },
      { role: 'assistant', content: 'It said ping.' },
    ]);
    expect(result).toMatchObject({ usage: { inputTokens: 20, outputTokens: 10 }, steps: 2, finishReason: 'stop' });
    expect(provider.requests[1]!.messages).toHaveLength(4);
  });

  it('runs parallel tool calls concurrently and reports results in call order', async () => {
    const provider = scriptedProvider([
      toolTurn([
        { id: 'a', name: 'slow', arguments: { ms: 150 } },
        { id: 'b', name: 'slow', arguments: { ms: 150 } },
        { id: 'c', name: 'echo', arguments: { text: 'x' } },
      ]),
      textTurn('done'),
    ]);
    const started = performance.now();
    const { events } = await collect({ ...base, provider, tools: [echo, slow] });
    expect(performance.now() - started).toBeLessThan(290);
    expect(events.filter((e) => e.type === 'tool_result').map((e) => (e.type === 'tool_result' ? [e.callId, e.content] : null))).toEqual([
      ['a', 'slept 150'],
      ['b', 'slept 150'],
      ['c', 'echo: x'],
    ]);
  });

  it('gives malformed arguments, schema failures, unknown tools and tool failures back to the model as tool errors', async () => {
    const provider = scriptedProvider([
      toolTurn([
        { id: 'json', name: 'echo', arguments: '{"text": "unterminated' },
        { id: 'array', name: 'echo', arguments: '[1,2]' },
        { id: 'schema', name: 'echo', arguments: { text: 42 } },
        { id: 'unknown', name: 'rm_rf', arguments: {} },
        { id: 'broken', name: 'broken', arguments: '' },
      ]),
      textTurn('Sorry.'),
    ]);
    const loop = runToolLoop({ ...base, provider, tools: [echo, broken] });
    for await (const _ of loop);
    const tools = (await loop.result).messages.filter((m) => m.role === 'tool');
    expect(tools.every((m) => m.isError)).toBe(true);
    expect(tools.map((m) => m.content)).toEqual([
      expect.stringContaining('Invalid arguments: not valid JSON'),
      'Invalid arguments: expected a JSON object',
      expect.stringMatching(/^Invalid arguments: text: /),
      'Unknown tool "rm_rf". Available tools: echo, broken',
      'Tool broken failed: kaput',
    ]);
    expect(provider.requests[1]!.messages.filter((m) => m.role === 'tool')).toHaveLength(5);
  });

  it('stops offering tools after maxSteps and makes one last call so the model answers', async () => {
    const call = () => toolTurn([{ name: 'echo', arguments: { text: 'again' } }]);
    const provider = scriptedProvider([call(), call(), textTurn('Enough.')]);
    const loop = runToolLoop({ ...base, provider, tools: [echo], maxSteps: 2 });
    const events: LoopEvent[] = [];
    for await (const event of loop) events.push(event);
    expect(events.filter((e) => e.type === 'step')).toEqual([1, 2, 3].map((step) => ({ type: 'step', step })));
    expect(events.filter((e) => e.type === 'tool_result')).toHaveLength(2);
    expect(provider.requests.map((r) => Boolean(r.tools))).toEqual([true, true, false]);
    expect(await loop.result).toMatchObject({ steps: 3, finishReason: 'stop', messages: expect.arrayContaining([{ role: 'assistant', content: 'Enough.' }]) });
  });

  it('ignores tool calls in the last, tool-less call', async () => {
    const provider = scriptedProvider([toolTurn([{ name: 'echo', arguments: { text: 'a' } }]), toolTurn([{ name: 'echo', arguments: { text: 'b' } }], { text: 'Answer' })]);
    const loop = runToolLoop({ ...base, provider, tools: [echo], maxSteps: 1 });
    const events: LoopEvent[] = [];
    for await (const event of loop) events.push(event);
    expect(events.filter((e) => e.type === 'tool_call')).toHaveLength(1);
    expect((await loop.result).messages.at(-1)).toEqual({ role: 'assistant', content: 'Answer' });
  });

  it('fails with a timeout ProviderError at the deadline, even when the provider ignores its signal', async () => {
    for (const ignoreAbort of [false, true]) {
      const provider = scriptedProvider([toolTurn([{ name: 'echo', arguments: { text: 'a' } }]), [{ type: 'text', text: 'Thinking' }, { type: 'hang', ignoreAbort }]]);
      const started = performance.now();
      const loop = runToolLoop({ ...base, provider, tools: [echo], deadlineMs: 150 });
      let error: unknown;
      try {
        for await (const _ of loop);
      } catch (err) {
        error = err;
      }
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('timeout');
      const result = await loop.result;
      expect(result.error?.kind).toBe('timeout');
      expect(result.finishReason).toBeNull();
      expect(result.messages.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant']);
      expect(result.messages.at(-1)).toEqual({ role: 'assistant', content: 'Thinking' });
      expect(provider.requests[1]!.signal.aborted).toBe(true);
    }
  });

  it('a tool that never answers becomes a tool error after toolTimeoutMs', async () => {
    const provider = scriptedProvider([toolTurn([{ name: 'stuck', arguments: {} }]), textTurn('ok')]);
    const loop = runToolLoop({ ...base, provider, tools: [stuck], toolTimeoutMs: 100 });
    for await (const _ of loop);
    expect((await loop.result).messages[1]).toMatchObject({ role: 'tool', isError: true, content: 'Tool stuck did not answer within 100 ms' });
  });

  it('stops mid-stream with an aborted ProviderError when the caller aborts, and aborts the provider and tools', async () => {
    seen.length = 0;
    const controller = new AbortController();
    const provider = scriptedProvider([toolTurn([{ name: 'echo', arguments: { text: 'a' } }]), [{ type: 'text', text: 'Part' }, { type: 'delay', ms: 5_000 }, { type: 'text', text: 'never' }]]);
    const loop = runToolLoop({ ...base, provider, tools: [echo], signal: controller.signal });
    const events: LoopEvent[] = [];
    let error: unknown;
    try {
      for await (const event of loop) {
        events.push(event);
        if (event.type === 'text') controller.abort();
      }
    } catch (err) {
      error = err;
    }
    expect((error as ProviderError).kind).toBe('aborted');
    expect(events.at(-1)).toEqual({ type: 'text', text: 'Part' });
    expect(provider.requests[1]!.signal.aborted).toBe(true);
    expect(seen[0]!.signal.aborted).toBe(true);
    expect(await loop.result).toMatchObject({ finishReason: null, error: { kind: 'aborted' } });
    expect((await loop.result).messages.at(-1)).toEqual({ role: 'assistant', content: 'Part' });
  });

  it('an abort while tools run leaves a replayable transcript: every call gets a result', async () => {
    const controller = new AbortController();
    const provider = scriptedProvider([toolTurn([{ id: 'fast', name: 'echo', arguments: { text: 'a' } }, { id: 'hung', name: 'stuck', arguments: {} }])]);
    const loop = runToolLoop({ ...base, provider, tools: [echo, stuck], signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(async () => {
      for await (const _ of loop);
    }).rejects.toMatchObject({ kind: 'aborted' });
    const { messages } = await loop.result;
    expect(messages.map((m) => [m.role, m.toolCallId, m.isError])).toEqual([
      ['assistant', undefined, undefined],
      ['tool', 'fast', false],
      ['tool', 'hung', true],
    ]);
    expect(messages[1]!.content).toBe('echo: a');
    expect(messages[2]!.content).toBe('Not completed: the request was aborted');
  });

  it('passes provider errors through and settles the result; a consumer that stops early settles it too', async () => {
    const failing = scriptedProvider([[{ type: 'throw', error: new ProviderError('rate_limited', 'slow down', { status: 429 }) }]]);
    const failed = await collect({ ...base, provider: failing, tools: [] });
    expect((failed.error as ProviderError).kind).toBe('rate_limited');

    const loop = runToolLoop({ ...base, provider: scriptedProvider([textTurn('Hello there')]), tools: [] });
    for await (const event of loop) if (event.type === 'text') break;
    expect(await loop.result).toMatchObject({ finishReason: null, steps: 1, messages: [] });
  });

  it('cuts long tool results', async () => {
    const provider = scriptedProvider([toolTurn([{ name: 'echo', arguments: { text: 'y'.repeat(50) } }]), textTurn('ok')]);
    const loop = runToolLoop({ ...base, provider, tools: [echo], maxToolResultChars: 20 });
    for await (const _ of loop);
    expect((await loop.result).messages[1]!.content).toBe(`echo: ${'y'.repeat(14)}… [truncated: 36 more characters]`);
  });
});
