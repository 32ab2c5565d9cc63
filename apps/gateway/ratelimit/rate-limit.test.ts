import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../lib/auth/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { createRedisRateLimiter } from '../../../lib/ratelimit/redis.ts';
import { uniqueKvPrefix } from '../../../lib/testing/kv.ts';
import { deleteKvPrefix } from '../../../lib/testing/kv.ts';
import {
  bearer,
  createGatewayTestbed,
  type GatewayTestbed,
  identityEchoService,
  jsonRequest,
  requiredRedisUrl,
  signUp,
  socketEnv,
  type TestUser,
} from '../auth/testing.ts';
import type { GatewayOptions } from '../deps.ts';
import { clientIp } from './client-ip.ts';
import { chargeFor, DEFAULT_RATE_LIMITS, isLoginPath, limitFor, parseRoleOverrides } from './rules.ts';

const user = (roles: Principal['roles'], extra: Partial<Principal> = {}): Principal => ({
  userId: 'u1',
  email: null,
  roles,
  authType: 'jwt',
  ...extra,
});

describe('rate-limit rules', () => {
  it('parses role overrides and refuses bad ones', () => {
    expect(parseRoleOverrides('admin=6000, viewer=120')).toEqual({ admin: 6000, viewer: 120 });
    expect(parseRoleOverrides('')).toEqual({});
    expect(() => parseRoleOverrides('wizard=5')).toThrow(/wizard=5/);
    expect(() => parseRoleOverrides('admin=0')).toThrow(/positive/);
    expect(() => parseRoleOverrides('admin')).toThrow();
  });

  it('gives a principal the highest limit among its roles, the default for roles without an override', () => {
    const settings = { ...DEFAULT_RATE_LIMITS, roleOverrides: { admin: 6000, viewer: 120 } };
    expect(limitFor(user(['viewer']), settings)).toBe(120);
    expect(limitFor(user(['viewer', 'user']), settings)).toBe(600);
    expect(limitFor(user(['admin', 'viewer']), settings)).toBe(6000);
    expect(limitFor(user([]), settings)).toBe(600);
  });

  it('charges API keys, users, anonymous IPs and login routes separately', () => {
    const settings = DEFAULT_RATE_LIMITS;
    expect(chargeFor('/api/v1/chat', user(['user'], { authType: 'api_key', keyId: 'k9' }), '1.2.3.4', settings)).toMatchObject({
      key: 'key:k9',
      rule: { name: 'api', points: 600 },
      failClosed: false,
    });
    expect(chargeFor('/api/v1/chat', user(['user']), '1.2.3.4', settings)).toMatchObject({ key: 'user:u1' });
    expect(chargeFor('/auth/health', undefined, '1.2.3.4', settings)).toMatchObject({ key: 'ip:1.2.3.4', rule: { name: 'anon', points: 60 } });
    expect(chargeFor('/api/v0.3/auth/login', user(['admin']), '1.2.3.4', settings)).toMatchObject({
      key: 'ip:1.2.3.4',
      rule: { name: 'login', points: 10 },
      failClosed: true,
    });
    for (const path of ['/auth/login', '/api/v1/auth/register', '/auth/resend-verification', '/api/v1/auth/api-key-login']) {
      expect(isLoginPath(path), path).toBe(true);
    }
    expect(isLoginPath('/auth/refresh')).toBe(false);
  });

  it('takes the client IP from the connection unless told to trust the proxy', () => {
    const headers = new Headers({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1', 'fly-client-ip': '198.51.100.2' });
    expect(clientIp(socketEnv('10.0.0.9'), headers, false)).toBe('10.0.0.9');
    expect(clientIp({ remoteAddr: { hostname: '10.0.0.8' } }, headers, false)).toBe('10.0.0.8');
    expect(clientIp(socketEnv('10.0.0.9'), headers, true)).toBe('198.51.100.2');
    expect(clientIp(socketEnv('10.0.0.9'), new Headers({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }), true)).toBe('203.0.113.7');
    expect(clientIp(undefined, new Headers({ 'x-forwarded-for': 'garbage<script>' }), true)).toBe('unknown');
  });
});

describe('gateway rate limiting', () => {
  let bed: GatewayTestbed;
  let ada: TestUser;
  const options = (rateLimits: GatewayOptions['rateLimits'], extra: Partial<GatewayOptions> = {}): GatewayOptions => ({
    corsOrigins: [],
    bodyLimitBytes: 64 * 1024,
    upstreamTimeoutMs: 5_000,
    healthTimeoutMs: 500,
    authIssuer: 'https://auth.gaia.test',
    rateLimits,
    ...extra,
  });

  beforeAll(async () => {
    bed = await createGatewayTestbed();
    ada = await signUp(bed.gateway());
  });
  afterAll(() => bed?.close());

  it('adds RateLimit headers per identity and answers 429 in each family’s format', async () => {
    const app = bed.gateway({ options: options({ perMinute: 3 }) });
    const gaia = (i: number) => app.request('/api/v1/auth/me', { headers: bearer(ada) }, socketEnv(`10.1.0.${i}`));
    const first = await gaia(1);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    await gaia(2);
    // The limit follows the user, whatever address they come from.
    expect((await gaia(3)).headers.get('ratelimit-remaining')).toBe('0');
    const denied = await gaia(4);
    expect(denied.status).toBe(429);
    expect(await denied.json()).toEqual({ detail: 'Rate limit exceeded' });
    expect(Number(denied.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(denied.headers.get('ratelimit-remaining')).toBe('0');

    const ours = await app.request('/api/v1/auth/api-keys', { headers: bearer(ada) });
    expect(ours.status).toBe(429);
    const body = await ours.json();
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 3 } });
    expect(ours.headers.get('retry-after')).not.toBeNull();
    expect(ours.headers.get('ratelimit-limit')).toBe('3');

    // Another user has a budget of their own; the gateway's own routes are not limited.
    const bob = await signUp(app);
    expect((await app.request('/api/v1/auth/me', { headers: bearer(bob) })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await app.request('/health')).headers.get('ratelimit-limit')).toBeNull();
  });

  it('limits anonymous callers per IP, and applies role overrides', async () => {
    const app = bed.gateway({ options: options({ anonPerMinute: 2, roleOverrides: { user: 5 } }) });
    const jwks = (ip: string) => app.request('/.well-known/jwks.json', {}, socketEnv(ip));
    expect((await jwks('10.2.0.1')).status).toBe(200);
    expect((await jwks('10.2.0.1')).status).toBe(200);
    const denied = await jwks('10.2.0.1');
    expect(denied.status).toBe(429);
    expect((await denied.json()).error.code).toBe('RATE_LIMITED');
    expect((await jwks('10.2.0.2')).status).toBe(200);
    const gaia = await app.request('/auth/health', {}, socketEnv('10.2.0.1'));
    expect(await gaia.json()).toEqual({ detail: 'Rate limit exceeded' });
    expect((await app.request('/api/v1/auth/me', { headers: bearer(ada) })).headers.get('ratelimit-limit')).toBe('5');
  });

  it('stops login brute force per IP, across the three prefixes, whoever the caller is', async () => {
    const app = bed.gateway();
    const attempt = (ip: string, prefix = '/api/v1/auth') =>
      app.request(`${prefix}/login`, jsonRequest('POST', { email: ada.email, password: 'guess' }), socketEnv(ip));
    for (let i = 0; i < 5; i++) expect((await attempt('10.3.0.1')).status).toBe(400);
    for (let i = 0; i < 5; i++) expect((await attempt('10.3.0.1', '/auth')).headers.get('ratelimit-limit')).toBe('10');
    const denied = await attempt('10.3.0.1', '/api/v0.3/auth');
    expect(denied.status).toBe(429);
    expect(await denied.json()).toEqual({ detail: 'Rate limit exceeded' });
    expect(denied.headers.get('retry-after')).not.toBeNull();
    // Even with the right password, and with credentials: the address is what counts.
    const right = await app.request('/auth/login', jsonRequest('POST', { email: ada.email, password: ada.password }, bearer(ada)), socketEnv('10.3.0.1'));
    expect(right.status).toBe(429);
    expect((await attempt('10.3.0.2')).status).toBe(400);
  });

  it('trusts Fly-Client-IP / X-Forwarded-For only when told to', async () => {
    const untrusting = bed.gateway({ options: options({ loginPerMinute: 1 }) });
    const trusting = bed.gateway({ options: options({ loginPerMinute: 1 }, { trustProxy: true }) });
    const login = (app: typeof trusting, forwardedFor: string) =>
      app.request('/auth/login', jsonRequest('POST', { email: ada.email, password: 'guess' }, { 'x-forwarded-for': forwardedFor }), socketEnv('10.4.0.1'));
    expect((await login(untrusting, '203.0.113.1')).status).toBe(400);
    expect((await login(untrusting, '203.0.113.2')).status).toBe(429);
    expect((await login(trusting, '203.0.113.1')).status).toBe(400);
    expect((await login(trusting, '203.0.113.2')).status).toBe(400);
    expect((await login(trusting, '203.0.113.1')).status).toBe(429);
  });

  it('with Redis down: fails open (no headers, a warning) for API calls, closed (503) for login-class routes', async () => {
    const logger = createMemoryLogger('warn');
    // Nothing listens on port 1: every check fails at once.
    const rateLimiter = createRedisRateLimiter('redis://127.0.0.1:1', { timeoutMs: 200 });
    const app = bed.gateway({ rateLimiter, logger });
    const me = await app.request('/api/v1/auth/me', { headers: bearer(ada) });
    expect(me.status).toBe(200);
    expect(me.headers.get('ratelimit-limit')).toBeNull();
    expect((await app.request('/auth/health')).status).toBe(200);
    const login = await app.request('/api/v1/auth/login', jsonRequest('POST', { email: ada.email, password: ada.password }));
    expect(login.status).toBe(503);
    expect(await login.json()).toEqual({ detail: 'Service rate limiter unavailable' });
    expect(login.headers.get('retry-after')).toBe('5');
    const warnings = logger.entries().filter((e) => e.level === 'warn' && String(e.msg).startsWith('rate limiter unavailable'));
    expect(warnings).toHaveLength(1);
    await rateLimiter.close?.();
  });
});

const redisUrl = requiredRedisUrl();

describe.skipIf(!redisUrl)('two gateway instances sharing a Redis rate limiter', () => {
  let bed: GatewayTestbed;
  const prefix = uniqueKvPrefix('gw-rl');
  beforeAll(async () => {
    bed = await createGatewayTestbed();
  });
  afterAll(async () => {
    await bed?.close();
    await deleteKvPrefix(redisUrl!, prefix);
  });

  it('admits exactly 100 of 500 concurrent requests against a limit of 100', async () => {
    const kb = identityEchoService('kb', bed.internalKey);
    const make = () =>
      bed.gateway({
        rateLimiter: createRedisRateLimiter(redisUrl!, { keyPrefix: prefix }),
        services: { ...bed.services, kb: kb.client },
        options: {
          corsOrigins: [],
          bodyLimitBytes: 1024,
          upstreamTimeoutMs: 10_000,
          healthTimeoutMs: 500,
          authIssuer: 'https://auth.gaia.test',
          rateLimits: { perMinute: 100 },
        },
      });
    const instances = [make(), make()];
    const ada = await signUp(instances[0]!);
    const headers = bearer(ada);
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => instances[i % 2]!.request('/api/v1/kb/ping', { headers })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(400);
    const denied = responses.find((r) => r.status === 429)!;
    expect((await denied.json()).error.code).toBe('RATE_LIMITED');
    expect(kb.calls).toBe(100);
  });
});
