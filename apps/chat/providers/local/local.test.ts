import { describe, expect, it } from 'vitest';
import type { ChatMessage, ProviderError } from '../../engine/types.ts';
import { collect, KB_TOOL, providerRequest, rejectionOf, textOf } from '../testing.ts';
import { createLocalProvider, LOCAL_MARKER, NO_MODEL_CONFIGURED } from './index.ts';

const local = createLocalProvider();

const passages = {
  passages: [
    { path: 'ops/deploy.md', title: 'Deploying', heading: 'Rolling out', text: 'Run   the deploy\nscript, then watch the health checks.', line_start: 12, line_end: 18, score: 3 },
    { path: 'ops/rollback.md', title: 'Rollback', heading: 'Rollback', text: 'x'.repeat(400), line_start: 1, line_end: 4, score: 2 },
    { path: 'ops/setup.md', title: 'Setup', heading: 'Setup › Install', text: '## Install\n\nRun the installer.', line_start: 3, line_end: 5, score: 1 },
  ],
  tokens: 120,
  truncated: false,
};

describe('local provider', () => {
  it('calls kb_context with the user text, matching any of its words, when the tool is offered', async () => {
    const request = providerRequest({ tools: [KB_TOOL], messages: [{ role: 'user', content: '  How do I deploy? ' }] });
    const first = await collect(local.stream(request));
    const second = await collect(local.stream(request));

    expect(first).toEqual(second);
    expect(first).toEqual([
      { type: 'tool_call', call: { id: 'local-1', name: 'kb_context', arguments: '{"query":"How do I deploy?","match":"any"}' } },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 11 } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('answers from the kb_context result: top passages quoted briefly with their sources, word by word', async () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'How do I deploy?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'local-1', name: 'kb_context', arguments: '{"query":"How do I deploy?"}' }] },
      { role: 'tool', content: JSON.stringify(passages), toolCallId: 'local-1', name: 'kb_context' },
    ];
    const events = await collect(local.stream(providerRequest({ tools: [KB_TOOL], messages })));
    const text = textOf(events);

    expect(text.startsWith(LOCAL_MARKER)).toBe(true);
    expect(text).toContain('"Run the deploy script, then watch the health checks." — Deploying › Rolling out (ops/deploy.md lines 12–18)');
    expect(text).toContain('(ops/rollback.md lines 1–4)');
    expect(text).toContain(`"${'x'.repeat(200)}…"`);
    // The heading path is not prefixed with the title twice, and the heading line is not quoted as text.
    expect(text).toContain('3. "Run the installer." — Setup › Install (ops/setup.md lines 3–5)');
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(10);
    expect(events.slice(-1)).toEqual([{ type: 'finish', reason: 'stop' }]);
    expect(events.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: expect.any(Number), outputTokens: Math.ceil(text.length / 4) } });
    expect(textOf(await collect(local.stream(providerRequest({ tools: [KB_TOOL], messages }))))).toBe(text);
  });

  it('says plainly that no model is configured without the kb tool, or when the KB found nothing', async () => {
    const plain = textOf(await collect(local.stream(providerRequest())));
    expect(plain).toBe(LOCAL_MARKER + NO_MODEL_CONFIGURED);
    expect(NO_MODEL_CONFIGURED).toMatch(/OPENAI_API_KEY.*ANTHROPIC_API_KEY.*OPENAI_COMPATIBLE_BASE_URL/);

    const messages: ChatMessage[] = [
      { role: 'user', content: 'quantum' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'local-1', name: 'kb_context', arguments: '{"query":"quantum"}' }] },
      { role: 'tool', content: '{"passages":[],"tokens":0,"truncated":false}', toolCallId: 'local-1', name: 'kb_context' },
    ];
    const empty = textOf(await collect(local.stream(providerRequest({ tools: [KB_TOOL], messages }))));
    expect(empty).toBe(`${LOCAL_MARKER}The knowledge base has nothing on "quantum". ${NO_MODEL_CONFIGURED}`);
  });

  it('stops with aborted when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = (await rejectionOf(collect(local.stream(providerRequest({ signal: controller.signal }))))) as ProviderError;
    expect(err.kind).toBe('aborted');
  });
});
