import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import OpenAI, { AuthenticationError, NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_MARKER, NO_MODEL_CONFIGURED } from '../apps/chat/providers/local/api.ts';
import { bearer, createApiKey, jsonRequest, signUp, type TestUser } from '../apps/gateway/auth/testing.ts';
import { testKbSettings } from '../apps/kb/testing/settings.ts';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/** A few more of Ada's notes, so the offline assistant has to pick the right document. */
const ADA_NOTES: Record<string, string> = {
  'recipes/pancakes.md': '# Pancakes\n\nWhisk two eggs with a cup of milk and a cup of flour, rest the batter ten minutes, then fry in butter.\n',
  'travel/packing.md': '# Packing list\n\nFor a trip abroad, pack your passport, a phone charger, a rain jacket and comfortable shoes.\n',
};

/**
 * Chat as the public sees it, on embedded defaults: the offline local provider answers from the knowledge base
 * through the KB tools, called with the chatting user's identity (so the KB's RBAC holds end to end).
 */
describe('chat through the gateway', () => {
  let runtime: TestRuntime;
  let platform: PlatformApps;
  let ada: TestUser;
  let eve: TestUser;
  const gw = (path: string, init?: RequestInit) => platform.gateway.request(path, init);
  // A new local knowledge base, seeded as `npm start` seeds one (with shared/getting-started.md).
  const kb = testKbSettings({ seed: true });

  beforeAll(async () => {
    runtime = await createTestRuntime();
    platform = await buildTestPlatform(runtime, { kb });
    await platform.started;
    [ada, eve] = [await signUp(platform.gateway), await signUp(platform.gateway)];
    const put = await gw(
      `/api/v1/kb/documents/users/${ada.userId}/launch.md`,
      jsonRequest('PUT', { content: '# Launch\n\nThe launch code is swordfish, kept in the blue binder.\n' }, bearer(ada)),
    );
    expect(put.status).toBe(201);
    for (const [path, content] of Object.entries(ADA_NOTES)) {
      const res = await gw(`/api/v1/kb/documents/users/${ada.userId}/${path}`, jsonRequest('PUT', { content }, bearer(ada)));
      expect(res.status).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    platform.stop();
    await runtime.close();
    rmSync(dirname(kb.dir), { recursive: true, force: true });
  });

  it("answers from the caller's own knowledge base, with sources, marked as the local provider", async () => {
    const res = await gw('/api/v0.3/chat', jsonRequest('POST', { message: 'launch code' }, bearer(ada)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response: string; conversation_id: string };
    expect(body.response.startsWith(LOCAL_MARKER)).toBe(true);
    expect(body.response).toContain('swordfish');
    expect(body.response).toContain(`users/${ada.userId}/launch.md`);
    const messages = await gw(`/api/v1/conversations/${body.conversation_id}/messages`, { headers: bearer(ada) });
    expect(messages.status).toBe(200);
  });

  it('finds what the knowledge base holds for ordinary questions, best passage first, and cites it', async () => {
    const questions: [string, string][] = [
      ['What is in the getting started guide?', 'shared/getting-started.md'],
      ['How do I connect a Git repository?', 'shared/getting-started.md'],
      ['Where is the launch code kept?', `users/${ada.userId}/launch.md`],
      ['How many eggs go into the pancakes?', `users/${ada.userId}/recipes/pancakes.md`],
      ['What should I pack for my trip?', `users/${ada.userId}/travel/packing.md`],
    ];
    for (const [question, source] of questions) {
      const res = await gw('/api/v0.3/chat', jsonRequest('POST', { message: question }, bearer(ada)));
      expect(res.status).toBe(200);
      const { response } = (await res.json()) as { response: string };
      expect(response.startsWith(LOCAL_MARKER), question).toBe(true);
      expect(response, question).not.toContain('has nothing');
      const first = response.split('\n').find((line) => /^1\. /.test(line));
      expect(first, `${question}\n${response}`).toContain(`(${source} lines `);
    }
  });

  it('says honestly that the knowledge base has nothing on a question it does not cover', async () => {
    const res = await gw('/api/v0.3/chat', jsonRequest('POST', { message: 'What is the capital of Mongolia?' }, bearer(ada)));
    const { response } = (await res.json()) as { response: string };
    expect(response).toBe(`${LOCAL_MARKER}The knowledge base has nothing on "What is the capital of Mongolia?". ${NO_MODEL_CONFIGURED}`);
  });

  it("never answers from someone else's namespace", async () => {
    const res = await gw('/api/v1/chat', jsonRequest('POST', { message: 'launch code', response_format: 'v0.3' }, bearer(eve)));
    const body = (await res.json()) as { response: string; _metadata: { route_type: string } };
    expect(body.response).not.toContain('swordfish');
    expect(body._metadata.route_type).toBe('kb_tools');
  });

  it('serves the official OpenAI SDK at /v1 with a GAIA API key', async () => {
    const { key } = await createApiKey(platform.gateway, ada);
    const client = new OpenAI({
      apiKey: key,
      baseURL: 'http://localhost:8666/v1',
      fetch: async (url, init) => {
        const target = new URL(String(url));
        return gw(`${target.pathname}${target.search}`, init as RequestInit);
      },
    });
    expect((await client.models.list()).data.map((m) => m.id)).toContain('local/gaia-local');
    const completion = await client.chat.completions.create({ model: 'local/gaia-local', messages: [{ role: 'user', content: 'blue binder' }] });
    expect(completion.choices[0]!.message.content).toContain('swordfish');
    // The gateway's own refusal on /v1 is OpenAI's error body too: the SDK raises its AuthenticationError with a code.
    const refused = await new OpenAI({ apiKey: 'gaia_live_wrongwrongwrongwrongwrong', baseURL: 'http://localhost:8666/v1', maxRetries: 0, fetch: async (url, init) => gw(new URL(String(url)).pathname, init as RequestInit) })
      .models.list()
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ status: 401, code: 'unauthenticated', type: 'invalid_request_error' });
  });

  it('takes GAIA’s model as a preference but keeps the OpenAI API strict (the SDK’s NotFoundError, code model_not_found)', async () => {
    const gaia = await gw('/api/v1/chat', jsonRequest('POST', { message: 'blue binder', model: 'claude-sonnet-4-5' }, bearer(ada)));
    expect(gaia.status).toBe(200);
    const body = (await gaia.json()) as { model: string; _metadata: { model: string }; choices: { message: { content: string } }[] };
    expect([body.model, body._metadata.model]).toEqual(['gaia-local', 'gaia-local']);
    expect(body.choices[0]!.message.content).toContain('swordfish');

    const { key } = await createApiKey(platform.gateway, ada);
    const client = new OpenAI({ apiKey: key, baseURL: 'http://localhost:8666/v1', maxRetries: 0, fetch: async (url, init) => gw(new URL(String(url)).pathname, init as RequestInit) });
    const err = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({
      status: 404,
      code: 'model_not_found',
      type: 'invalid_request_error',
      param: null,
      message: expect.stringContaining('The model `claude-sonnet-4-5` does not exist or you do not have access to it.'),
    });
  });

  it('lists the models for GAIA web clients at /api/v1/models', async () => {
    const res = await gw('/api/v1/models', { headers: bearer(eve) });
    expect(await res.json()).toEqual({ models: [{ id: 'local/gaia-local', name: 'gaia-local', provider: 'local', default: true }] });
  });

  it('refuses chat without credentials in GAIA format', async () => {
    const res = await gw('/api/v1/chat', jsonRequest('POST', { message: 'hi' }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Not authenticated. Provide a valid JWT or API Key.' });
  });
});
