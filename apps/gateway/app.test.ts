import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestPlatform } from '../../all-in-one/testing.ts';
import { generateSigningKey, type SigningKey } from '../../lib/auth/signing-keys.ts';
import { createMemoryLogger } from '../../lib/logging/logger.ts';
import { createMemoryRateLimiter } from '../../lib/ratelimit/memory.ts';
import { Readiness } from '../../lib/readiness/readiness.ts';
import { OpenAiErrorSchema } from '../../lib/openai/errors.ts';
import { inProcessClient } from '../../lib/service/client.ts';
import { SERVICE_NAMES, type ServiceClient, type ServiceName } from '../../lib/service/types.ts';
import { createTestRuntime, type TestRuntime } from '../../lib/testing/harness.ts';
import { createApp } from './app.ts';
import { bearer, signUp } from './auth/testing.ts';
import type { GatewayDeps } from './deps.ts';

let runtime: TestRuntime;
let services: Record<ServiceName, ServiceClient>;
let internalKey: SigningKey;

beforeAll(async () => {
  runtime = await createTestRuntime();
  internalKey = await generateSigningKey('gateway-app-test');
  const platform = await buildTestPlatform(runtime, { internalKey });
  await platform.started;
  services = {
    ...(Object.fromEntries(
      Object.entries(platform.services).map(([n, a]) => [n, inProcessClient(n as ServiceName, (r) => a.fetch(r))]),
    ) as Record<Exclude<ServiceName, 'web'>, ServiceClient>),
    web: inProcessClient('web', () => new Response('web', { status: 200 })),
  };
});
afterAll(() => runtime.close());

function gateway(overrides: Partial<GatewayDeps> = {}) {
  const logger = createMemoryLogger();
  const deps: GatewayDeps = {
    logger,
    readiness: new Readiness(logger),
    services,
    probes: { database: () => runtime.db.ping() },
    docsAssets: async (name) => (name === 'swagger-ui.css' ? { body: 'body{}', contentType: 'text/css; charset=utf-8' } : null),
    options: {
      corsOrigins: ['http://localhost:8080'],
      bodyLimitBytes: 1024,
      upstreamTimeoutMs: 5_000,
      healthTimeoutMs: 500,
      authIssuer: 'https://auth.gaia.test',
    },
    internalKey,
    kv: runtime.kv,
    rateLimiter: createMemoryRateLimiter(),
    ...overrides,
  };
  return { app: createApp(deps), logger };
}

describe('gateway system routes', () => {
  it('GET / answers the GAIA banner exactly', async () => {
    const res = await gateway().app.request('/');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      message: 'LLM Platform API is running',
      versions: { v1: '/api/v1 (original endpoints)', 'v0.3': '/api/v0.3 (clean API without provider details)' },
      note: 'Use v0.3 for the clean, simplified API or v1 for OpenAI compatibility.',
    });
  });

  it('GET /health aggregates every service and the database', async () => {
    const res = await gateway().app.request('/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await res.json();
    expect(body.status).toBe('healthy');
    expect(Object.keys(body.services).sort()).toEqual(['asset', 'auth', 'chat', 'kb']);
    for (const part of Object.values(body.services) as { status: string; response_time: number }[]) {
      expect(part.status).toBe('healthy');
      expect(typeof part.response_time).toBe('number');
    }
    expect(body.database).toEqual({ status: 'healthy', database: 'postgresql', responsive: true });
    expect(body).not.toHaveProperty('redis');
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  });

  it('GET /health is degraded when a service or Redis is down, unhealthy when the database is, and still 200', async () => {
    const down = inProcessClient('kb', () => {
      throw new Error('connect ECONNREFUSED');
    });
    const degraded = await (
      await gateway({
        services: { ...services, kb: down },
        probes: { database: () => runtime.db.ping(), redis: () => Promise.reject(new Error('Connection is closed.')) },
      }).app.request('/health')
    ).json();
    expect(degraded.status).toBe('degraded');
    expect(degraded.services.kb).toMatchObject({ status: 'unhealthy', error: expect.stringContaining('ECONNREFUSED') });
    expect(degraded.redis).toEqual({ status: 'unhealthy', connected: false, error: 'Connection is closed.' });

    const res = await gateway({ probes: { database: () => new Promise(() => {}) } }).app.request('/health');
    expect(res.status).toBe(200);
    const unhealthy = await res.json();
    expect(unhealthy.status).toBe('unhealthy');
    expect(unhealthy.database).toMatchObject({ status: 'unhealthy', responsive: false, error: expect.stringContaining('500 ms') });
  });

  it('GET /health without a database probe reports the database as the auth service sees it', async () => {
    const body = await (await gateway({ probes: {} }).app.request('/health')).json();
    expect(body.database).toEqual({ status: 'healthy', database: 'postgresql', responsive: true });
  });

  it('serves the merged OpenAPI document and the docs page without any CDN', async () => {
    const { app } = gateway();
    const doc = await (await app.request('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/', '/health', '/ready', '/auth/health']));
    const page = await (await app.request('/docs')).text();
    expect(page).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(page).not.toMatch(/https?:\/\//);
    const css = await app.request('/docs/assets/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await app.request('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});

describe('gateway middleware', () => {
  it('answers unknown routes with a 404 envelope carrying the honoured request id', async () => {
    const res = await gateway().app.request('/nope', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect((await res.json()).error).toMatchObject({ code: 'NOT_FOUND', requestId: 'abc-123' });
  });

  it('replaces an unsafe incoming request id', async () => {
    const res = await gateway().app.request('/', { headers: { 'X-Request-Id': 'bad id\nwith newline'.replace('\n', ' ') } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('adds Server-Timing with the gateway overhead (and the upstream time when proxied)', async () => {
    const { app } = gateway();
    expect((await app.request('/')).headers.get('server-timing')).toMatch(/^gateway;dur=[\d.]+$/);
    const proxied = await app.request('/auth/health');
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get('server-timing')).toMatch(/^gateway;dur=[\d.]+, upstream;dur=[\d.]+$/);
  });

  it('sets secure headers', async () => {
    const res = await gateway().app.request('/');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('answers CORS preflights for allowed origins only, never with a 5xx', async () => {
    const { app } = gateway();
    const preflight = (origin: string) =>
      app.request('/api/v1/chat', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-api-key' },
      });
    const allowed = await preflight('http://localhost:8080');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-key');
    const denied = await preflight('https://evil.example');
    expect(denied.status).toBeLessThan(500);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects a body over the limit with 413, declared or streamed, in the path\'s wire format', async () => {
    const echo = new Hono();
    echo.post('/api/v1/chat', async (c) => c.json({ received: (await c.req.arrayBuffer()).byteLength }));
    echo.post('/v1/chat/completions', async (c) => c.json({ received: (await c.req.arrayBuffer()).byteLength }));
    const { app } = gateway({ services: { ...services, chat: inProcessClient('chat', (r) => echo.fetch(r)) } });
    // GAIA chat needs credentials at the gateway.
    const auth = bearer(await signUp(app));
    const small = await app.request('/api/v1/chat', {
      method: 'POST',
      body: 'x'.repeat(100),
      headers: { 'content-type': 'application/json', ...auth },
    });
    expect(await small.json()).toEqual({ received: 100 });
    const declared = await app.request('/api/v1/chat', {
      method: 'POST',
      body: 'x'.repeat(2048),
      headers: { 'content-type': 'application/json', 'content-length': '2048', ...auth },
    });
    expect(declared.status).toBe(413);
    // GAIA's path: GAIA's {"detail"} (it was the envelope); our routes keep the envelope.
    expect(await declared.json()).toEqual({ detail: 'Request body exceeds the limit of 1024 bytes' });
    const ours = await app.request('/v1/chat/completions', {
      method: 'POST',
      body: 'x'.repeat(2048),
      headers: { 'content-type': 'application/json', 'content-length': '2048', ...auth },
    });
    // OpenAI's routes: OpenAI's error body, so OpenAI SDKs raise their own error.
    expect([ours.status, OpenAiErrorSchema.parse(await ours.json()).error.code]).toEqual([413, 'payload_too_large']);

    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(512));
        controller.close();
      },
    });
    const streamed = await app.request('/api/v1/chat', {
      method: 'POST',
      body: chunks,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...auth },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toEqual({ detail: 'Request body exceeds the limit of 1024 bytes' });
  });

  it("answers a service it cannot reach with 503 in the path's format: GAIA's {\"detail\"}, OpenAI's error, or the envelope", async () => {
    const down = inProcessClient('chat', () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
    const { app } = gateway({ services: { ...services, chat: down } });
    const auth = bearer(await signUp(app));
    const gaia = await app.request('/api/v1/conversations', { headers: auth });
    // GAIA-API §2: 503 {"detail":"Service <name> unavailable"} (it was the envelope).
    expect([gaia.status, await gaia.json()]).toEqual([503, { detail: 'Service chat unavailable' }]);
    const openai = await app.request('/v1/models', { headers: auth });
    expect([openai.status, OpenAiErrorSchema.parse(await openai.json()).error]).toMatchObject([503, { code: 'service_unavailable', type: 'server_error' }]);
    const ours = await app.request('/api/v1/kb/tree', { headers: auth });
    expect(ours.status).toBe(200); // kb is up: only the chat service is down
  });

  it('proxies GAIA paths to the owning service', async () => {
    const res = await gateway().app.request('/auth/health');
    expect(await res.json()).toMatchObject({ service: 'auth', overall_status: 'healthy', checks: { auth_backend: { status: 'healthy' } } });
    // The gateway itself refuses protected paths without credentials: our routes with the envelope, GAIA's with theirs.
    const anonymous = await gateway().app.request('/api/v1/kb/anything');
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'missing_credentials' } });
    const gaia = await gateway().app.request('/api/v1/conversations');
    expect(gaia.status).toBe(401);
    expect(await gaia.json()).toEqual({ detail: 'Not authenticated. Provide a valid JWT or API Key.' });
  });

  it('knows every service', () => {
    expect(Object.keys(services).sort()).toEqual([...SERVICE_NAMES].sort());
  });
});
