import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlmServer, startFakeOpenAi } from '../apps/chat/testing/fake-openai.ts';
import { testChatSettings } from '../apps/chat/testing/settings.ts';
import { bearer, jsonRequest, signUp, type TestUser } from '../apps/gateway/auth/testing.ts';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/**
 * The chat's asset tool on the whole platform: a model (a fake OpenAI server, scripted) asks for `generate_asset`;
 * the asset service really makes the file (the offline local provider), the chat stream shows the job's progress,
 * the model's answer carries the download link, and the conversation keeps the call and its result.
 */
describe('chat makes an asset', () => {
  let runtime: TestRuntime;
  let platform: PlatformApps;
  let openai: FakeLlmServer;
  let ada: TestUser;
  const gw = (path: string, init?: RequestInit) => platform.gateway.request(path, init);

  beforeAll(async () => {
    openai = await startFakeOpenAi({
      script: (request) => {
        const body = request.body as { messages: { role: string; content: string }[] };
        const result = body.messages.findLast((m) => m.role === 'tool');
        if (result) {
          const parsed = JSON.parse(result.content) as { download_url?: string };
          return { text: `Here is your fox: ${parsed.download_url ?? 'none'}` };
        }
        return {
          toolCalls: [{ id: 'call_asset', name: 'generate_asset', arguments: JSON.stringify({ category: 'image', description: 'a red fox in the snow', style: 'watercolor', quality: 'low' }) }],
        };
      },
    });
    runtime = await createTestRuntime();
    platform = await buildTestPlatform(runtime, {
      chat: testChatSettings({ providers: { openai: { apiKey: 'sk-test', baseURL: openai.baseURL, models: ['gpt-4o-mini'] } } }),
    });
    await platform.started;
    ada = await signUp(platform.gateway);
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await runtime?.close();
    await openai?.close();
  });

  it('streams the job progress and answers the link; the file is a real PNG the user can download', async () => {
    const res = await gw('/api/v1/chat', jsonRequest('POST', { message: 'Paint me a red fox', stream: true }, bearer(ada)));
    expect(res.status).toBe(200);
    const events = (await res.text())
      .split('\n\n')
      .map((block) => block.replace(/^data: /, '').trim())
      .filter((data) => data !== '' && data !== '[DONE]')
      .map((data) => JSON.parse(data) as Record<string, unknown>);
    const types = events.map((e) => (e.type as string | undefined) ?? e.object);
    expect(types).toContain('tool_call');
    const progress = events.filter((e) => e.type === 'tool_progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((e) => e.name === 'generate_asset' && typeof e.percent === 'number')).toBe(true);
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ name: 'generate_asset', is_error: false });
    // Progress comes before the result.
    expect(types.indexOf('tool_progress')).toBeLessThan(types.indexOf('tool_result'));

    const text = events
      .filter((e) => e.object === 'chat.completion.chunk')
      .map((e) => ((e.choices as { delta: { content?: string } }[])[0]?.delta.content ?? ''))
      .join('');
    const link = /Here is your fox: (\S+)/.exec(text)?.[1];
    expect(link).toMatch(/\/api\/v1\/assets\/[0-9a-f-]{36}\/download/);
    const download = await gw(new URL(link!, 'http://localhost').pathname, { headers: bearer(ada) });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('image/png');
    const png = PNG.sync.read(Buffer.from(await download.arrayBuffer()));
    expect(png.width).toBeGreaterThan(0);

    // The conversation keeps the call and its result (the model's link included).
    const conversationId = (events.find((e) => e.type === 'metadata' && e.conversation_id) as { conversation_id: string }).conversation_id;
    const messages = (await (await gw(`/api/v1/conversations/${conversationId}/messages`, { headers: bearer(ada) })).json()) as {
      messages: { role: string; content: string }[];
    };
    expect(messages.messages.at(-1)?.content).toContain(link!);
    // Someone else cannot fetch Ada's file.
    const eve = await signUp(platform.gateway);
    expect((await gw(new URL(link!, 'http://localhost').pathname, { headers: bearer(eve) })).status).toBe(404);
  });
});
