import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomIp, socketEnv } from '../apps/gateway/auth/testing.ts';
import { formPost, ORIGIN, sessionCookieOf } from '../apps/web/testing.ts';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/**
 * The web UI's session cookie after its logout, on the real platform: the cookie is sealed (the web server cannot
 * tell by itself that it was signed out), so a copy kept from before — a stolen cookie, another tab — must be refused
 * because the gateway refuses the session's tokens.
 */
describe('a web session cookie replayed after logout', () => {
  let runtime: TestRuntime;
  let platform: PlatformApps;

  beforeAll(async () => {
    runtime = await createTestRuntime();
    platform = await buildTestPlatform(runtime);
    await platform.started;
  }, 60_000);
  afterAll(async () => {
    platform.stop();
    await runtime.close();
  });

  it('is refused: pages send it to sign in, htmx fragments are not served', async () => {
    const ip = randomIp();
    const email = `web-${crypto.randomUUID()}@example.com`;
    const registered = await platform.web.request('/register', formPost({ email, password: 'a long web password', next: '/chat' }), socketEnv(ip));
    expect(registered.status).toBe(303);
    const cookie = sessionCookieOf(registered);
    const page = (path: string, headers: Record<string, string> = {}) =>
      platform.web.request(path, { headers: { cookie, origin: ORIGIN, ...headers } }, socketEnv(ip));
    expect((await page('/chat')).status).toBe(200);

    const out = await platform.web.request('/logout', formPost({}, { cookie }), socketEnv(ip));
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join(';')).toMatch(/gaia_session=;|Max-Age=0/);

    const replayed = await page('/chat');
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/login/);
    const fragment = await page('/partials/kb/tree?path=shared', { 'hx-request': 'true' });
    expect(fragment.status).not.toBe(200);
    expect(fragment.headers.get('hx-redirect') ?? fragment.headers.get('location')).toMatch(/^\/login/);
  });
});
