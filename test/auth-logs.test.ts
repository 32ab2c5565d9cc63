import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { createMemoryLogger } from '../lib/logging/logger.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/**
 * Every auth flow through the gateway, with every service logging at debug into one place: no password, token,
 * refresh token or API key may appear in any line.
 */
describe('secrets never reach the logs', () => {
  let runtime: TestRuntime;
  let platform: PlatformApps;
  const logger = createMemoryLogger('debug');

  beforeAll(async () => {
    runtime = await createTestRuntime();
    platform = await buildTestPlatform(runtime, { logger });
    await platform.started;
  }, 60_000);
  afterAll(async () => {
    platform.stop();
    await runtime.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    platform.gateway.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7', ...headers },
      body: JSON.stringify(body),
    });

  it('holds across register, login, refresh, keys, api-key-login, validate, logout and failures', async () => {
    const email = `logs-${crypto.randomUUID()}@example.com`;
    const password = 'Sup3r-secret-passphrase!';
    const secrets: string[] = [password];

    const registered = await (await post('/api/v1/auth/register', { email, password })).json();
    const login = await (await post('/auth/login', { email, password })).json();
    secrets.push(registered.session.access_token, registered.session.refresh_token, login.access_token, login.refresh_token);
    await post('/auth/login', { email, password: `${password}-wrong` });
    const refreshed = await (await post('/api/v0.3/auth/refresh', { refresh_token: login.refresh_token })).json();
    secrets.push(refreshed.access_token, refreshed.refresh_token);
    await post('/api/v0.3/auth/refresh', { refresh_token: login.refresh_token }); // reuse: revokes the family

    const bearer = { authorization: `Bearer ${registered.session.access_token}` };
    const created = await (await post('/api/v1/auth/api-keys', { name: 'logs' }, bearer)).json();
    secrets.push(created.key);
    const exchanged = await (await platform.gateway.request('/api/v1/auth/api-key-login', { method: 'POST', headers: { 'x-api-key': created.key } })).json();
    secrets.push(exchanged.access_token);
    await platform.gateway.request('/api/v1/auth/api-keys', { headers: { 'x-api-key': created.key } });
    await platform.gateway.request('/api/v1/auth/api-keys', { headers: { 'x-api-key': `${created.key}x` } });
    await post('/auth/validate', { token: refreshed.access_token, api_key: created.key });
    const rotated = await (await post(`/api/v1/auth/api-keys/${created.id}/rotate`, {}, bearer)).json();
    secrets.push(rotated.key);
    await post('/auth/logout', { refresh_token: refreshed.refresh_token }, bearer);
    await platform.gateway.request('/api/v1/auth/api-keys', { headers: { authorization: `Bearer ${registered.session.access_token}x` } });

    expect(secrets.every((s) => typeof s === 'string' && s.length >= 20)).toBe(true);
    expect(logger.lines.length).toBeGreaterThan(20);
    const all = logger.lines.join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
    // Nor any fragment long enough to be useful: the signature part of each token.
    for (const secret of secrets.filter((s) => s.startsWith('eyJ'))) expect(all).not.toContain(secret.split('.')[2]!);
  });
});
