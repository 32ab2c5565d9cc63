import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketEnv } from '../apps/gateway/auth/testing.ts';
import { formPost } from '../apps/web/testing.ts';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/** The web UI passes each browser's address to the gateway, so one browser's failed sign-ins never lock out another. */
describe('web sign-in limits are per browser', () => {
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

  const login = async (ip: string) =>
    (await platform.web.request('/login', formPost({ email: 'nobody@example.com', password: 'wrong password!' }), socketEnv(ip))).text();

  it('limits the browser that keeps failing, not the others', async () => {
    const attempts: string[] = [];
    for (let i = 0; i < 11; i++) attempts.push(await login('10.1.1.1'));
    expect(attempts[0]).not.toContain('Too many attempts');
    expect(attempts.at(-1)).toContain('Too many attempts');
    expect(await login('10.2.2.2')).not.toContain('Too many attempts');
  });
});
