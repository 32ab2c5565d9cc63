import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onError } from '../../../lib/errors/handler.ts';
import { requestId } from '../../../lib/http/request-id.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { httpClient, inProcessClient } from '../../../lib/service/client.ts';
import { fetchTransport } from '../../../lib/service/transport-fetch.ts';
import { createUndiciTransport, type UndiciTransport } from '../../../lib/service/transport-undici.ts';
import type { ServiceClient } from '../../../lib/service/types.ts';
import type { GatewayEnv } from '../env.ts';
import { proxyTo } from './proxy.ts';
import { deferred, within } from '../../../lib/testing/async.ts';

const encoder = new TextEncoder();

/** What the upstream tells the test; reset by each test that uses it. */
let hooks = freshHooks();
function freshHooks() {
  return {
    sseRelease: deferred(),
    sseCancelled: deferred(),
    upstreamAborted: deferred<string>(),
    uploadFirstChunk: deferred(),
    slowRelease: deferred(),
  };
}

/** The service behind the gateway: echo, upload counter, SSE stream, slow answer. */
function upstreamApp(): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    c.req.raw.signal.addEventListener('abort', () => hooks.upstreamAborted.resolve(c.req.path));
    await next();
  });
  app.all('/svc/echo/*', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
    c.header('x-upstream', 'yes');
    c.header('proxy-authenticate', 'Basic realm="upstream"');
    c.header('connection', 'x-hop-response');
    c.header('x-hop-response', 'secret');
    return c.json({ method: c.req.method, path: c.req.path, query: c.req.queries(), headers, body });
  });
  app.delete('/svc/empty', (c) => c.body(null, 204));
  app.post('/svc/upload', async (c) => {
    let bytes = 0;
    const reader = c.req.raw.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes === 0) hooks.uploadFirstChunk.resolve();
      bytes += value.byteLength;
    }
    return c.json({ bytes });
  });
  app.get('/svc/sse', () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('id: 1\ndata: one\n\n'));
      },
      async pull(controller) {
        await hooks.sseRelease.promise;
        controller.enqueue(encoder.encode('id: 2\ndata: two\n\n'));
        controller.close();
      },
      cancel() {
        hooks.sseCancelled.resolve();
      },
    });
    return new Response(stream, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
  });
  app.get('/svc/slow', async (c) => {
    await hooks.slowRelease.promise;
    return c.text('late');
  });
  return app;
}

/** A gateway-like app: request id, error envelope, everything under /svc proxied to `client`. */
function gatewayApp(client: ServiceClient, timeoutMs: number, logger = createMemoryLogger()): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    await next();
    const ms = c.get('upstreamMs');
    if (ms !== undefined) c.header('x-test-upstream-ms', String(ms));
  });
  app.onError(onError());
  app.all('/svc/*', proxyTo(client, { timeoutMs, logger, headers: () => ({ 'x-identity': 'signed-token' }) }));
  return app;
}

interface Served {
  url: string;
  close(): Promise<void>;
}

function serveApp(app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> }): Promise<Served> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Real HTTP with node:http (sends any header, unlike fetch). */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer[] } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Array.isArray(options.body)) for (const chunk of options.body) req.write(chunk);
    else if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Opens a GET and resolves with the response as soon as the headers arrive; `req.destroy()` disconnects. */
function open(url: string): Promise<{ req: ReturnType<typeof httpRequest>; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => resolve({ req, res }));
    req.on('error', reject);
    req.end();
  });
}

function nextChunk(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    res.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    res.once('error', reject);
  });
}

let upstream: Served;
let transport: UndiciTransport;
let closedPortUrl: string;

beforeAll(async () => {
  upstream = await serveApp(upstreamApp());
  transport = createUndiciTransport();
  const probe = await serveApp(new Hono());
  closedPortUrl = probe.url;
  await probe.close();
});

afterAll(async () => {
  hooks.sseRelease.resolve();
  hooks.slowRelease.resolve();
  await transport.close();
  await upstream.close();
});

const app = upstreamApp();
const variants: [string, () => ServiceClient, () => ServiceClient][] = [
  [
    'in-process client',
    () => inProcessClient('chat', (request) => app.fetch(request)),
    () =>
      inProcessClient('chat', () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      }),
  ],
  ['http client (undici)', () => httpClient('chat', upstream.url, transport), () => httpClient('chat', closedPortUrl, transport)],
  [
    'http client (fetch)',
    () => httpClient('chat', upstream.url, fetchTransport),
    () => httpClient('chat', closedPortUrl, fetchTransport),
  ],
];

describe.each(variants)('proxyTo over an %s', (_variant, client, downClient) => {
  let gateway: Served;

  beforeAll(async () => {
    gateway = await serveApp(gatewayApp(client(), 2_000));
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('forwards method, path, query, body and headers; adds request id, forwarding and extra headers', async () => {
    const res = await send(`${gateway.url}/svc/echo/a/b?x=1&x=2&y=z`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-custom': 'abc', 'x-request-id': 'req-123' },
      body: 'hello upstream',
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.headers['x-upstream']).toBe('yes');
    expect(Number(res.headers['x-test-upstream-ms'])).toBeGreaterThanOrEqual(0);
    const echo = JSON.parse(res.body);
    expect(echo).toMatchObject({ method: 'POST', path: '/svc/echo/a/b', query: { x: ['1', '2'], y: ['z'] }, body: 'hello upstream' });
    expect(echo.headers).toMatchObject({
      'content-type': 'text/plain',
      'x-custom': 'abc',
      'x-request-id': 'req-123',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': gateway.url.slice('http://'.length),
      'x-identity': 'signed-token',
    });
    expect(echo.headers['x-forwarded-for']).toMatch(/127\.0\.0\.1$/);
  });

  it('forwards a generated request id when the caller sent none', async () => {
    const res = await send(`${gateway.url}/svc/echo/id`);
    const echo = JSON.parse(res.body);
    expect(echo.headers['x-request-id']).toBe(res.headers['x-request-id']);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('strips hop-by-hop headers both ways and replaces untrusted forwarding headers', async () => {
    const res = await send(`${gateway.url}/svc/echo/hop`, {
      headers: {
        connection: 'keep-alive, x-hop-request',
        'keep-alive': 'timeout=5',
        'x-hop-request': 'secret',
        te: 'trailers',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-host': 'evil.example',
        'x-identity': 'forged',
      },
    });
    const echo = JSON.parse(res.body);
    for (const name of ['x-hop-request', 'keep-alive', 'te', 'proxy-authorization']) {
      expect(echo.headers[name], name).toBeUndefined();
    }
    expect(echo.headers.connection ?? '').not.toContain('x-hop-request'); // undici may send its own keep-alive
    expect(echo.headers['x-forwarded-for']).not.toContain('6.6.6.6');
    expect(echo.headers['x-forwarded-host']).not.toBe('evil.example');
    expect(echo.headers['x-identity']).toBe('signed-token');
    expect(res.headers['proxy-authenticate']).toBeUndefined();
    expect(res.headers['x-hop-response']).toBeUndefined();
    expect(res.headers['x-upstream']).toBe('yes');
  });

  it('passes bodiless statuses through', async () => {
    const res = await send(`${gateway.url}/svc/empty`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
  });

  it('streams a large request body: the upstream reads it before the caller finished sending', async () => {
    hooks = freshHooks();
    const chunk = Buffer.alloc(64 * 1024, 7);
    const chunks = 128; // 8 MiB
    const reply = new Promise<Reply>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/svc/upload`, { method: 'POST', agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }));
      });
      req.on('error', reject);
      req.write(chunk);
      // Only send the rest once the upstream has seen the first chunk: a buffering proxy would deadlock here.
      within(hooks.uploadFirstChunk.promise, 5_000, 'first upload chunk upstream').then(() => {
        for (let i = 1; i < chunks; i++) req.write(chunk);
        req.end();
      }, reject);
    });
    const res = await reply;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ bytes: chunk.length * chunks });
  });

  it('passes SSE through unbuffered: event 1 arrives while the upstream still holds event 2', async () => {
    hooks = freshHooks();
    const { res } = await within(open(`${gateway.url}/svc/sse`), 5_000, 'SSE headers');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(await within(nextChunk(res), 5_000, 'event 1')).toBe('id: 1\ndata: one\n\n');
    hooks.sseRelease.resolve();
    let rest = '';
    res.on('data', (part: Buffer) => {
      rest += part.toString();
    });
    await within(new Promise((resolve) => res.on('end', resolve)), 5_000, 'end of stream');
    expect(rest).toBe('id: 2\ndata: two\n\n');
  });

  it('a caller disconnecting mid-stream aborts the upstream request', async () => {
    hooks = freshHooks();
    const { req, res } = await within(open(`${gateway.url}/svc/sse`), 5_000, 'SSE headers');
    await within(nextChunk(res), 5_000, 'event 1');
    req.destroy();
    await within(Promise.all([hooks.upstreamAborted.promise, hooks.sseCancelled.promise]), 5_000, 'upstream abort and cancel');
    expect(await hooks.upstreamAborted.promise).toBe('/svc/sse');
  });

  it('a caller disconnecting before the response aborts the upstream request', async () => {
    hooks = freshHooks();
    const req = httpRequest(`${gateway.url}/svc/slow`, { agent: false });
    req.on('error', () => {});
    req.end();
    // The gateway forwarded the request once the upstream handler runs (its middleware registers the abort hook).
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    expect(await within(hooks.upstreamAborted.promise, 5_000, 'upstream abort')).toBe('/svc/slow');
  });

  it('answers 504 GATEWAY_TIMEOUT when the upstream sends no headers in time, and aborts it', async () => {
    hooks = freshHooks();
    const logger = createMemoryLogger();
    const slowGateway = await serveApp(gatewayApp(client(), 100, logger));
    try {
      const res = await send(`${slowGateway.url}/svc/slow`, { headers: { 'x-request-id': 'slow-1' } });
      expect(res.status).toBe(504);
      expect(JSON.parse(res.body)).toEqual({
        error: { code: 'GATEWAY_TIMEOUT', message: 'Service chat did not respond within 100 ms', requestId: 'slow-1' },
      });
      expect(await within(hooks.upstreamAborted.promise, 5_000, 'upstream abort')).toBe('/svc/slow');
      expect(logger.entries()).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'upstream timeout', service: 'chat' }));
    } finally {
      await slowGateway.close();
    }
  });

  it('answers 503 SERVICE_UNAVAILABLE when the upstream is down', async () => {
    const logger = createMemoryLogger();
    const downGateway = await serveApp(gatewayApp(downClient(), 1_000, logger));
    try {
      const res = await send(`${downGateway.url}/svc/echo/x`, { headers: { 'x-request-id': 'down-1' } });
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toEqual({
        error: { code: 'SERVICE_UNAVAILABLE', message: 'Service chat unavailable', requestId: 'down-1' },
      });
      expect(logger.entries()).toContainEqual(
        expect.objectContaining({ level: 'warn', msg: 'upstream unavailable', service: 'chat', code: 'ECONNREFUSED' }),
      );
    } finally {
      await downGateway.close();
    }
  });
});
