import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.ts';
import { errorResponses } from '../errors/envelope.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import { Readiness } from '../readiness/readiness.ts';
import { VERSION } from '../version.ts';
import pkg from '../../package.json' with { type: 'json' };
import { createServiceApp } from './service-app.ts';

function build() {
  const logger = createMemoryLogger();
  const readiness = new Readiness(logger);
  const app = createServiceApp({ service: 'demo', version: VERSION, logger, readiness });
  const route = createRoute({
    method: 'post',
    path: '/items',
    operationId: 'createItem',
    request: {
      body: { required: true, content: { 'application/json': { schema: z.object({ name: z.string().min(1), qty: z.number().int() }) } } },
    },
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: z.object({ name: z.string() }) } } }, ...errorResponses },
  });
  app.openapi(route, (c) => {
    const body = c.req.valid('json');
    if (body.name === 'taken') throw new ApiError('CONFLICT', 'Item exists');
    if (body.name === 'boom') throw new Error('db password=hunter2 exploded');
    return c.json({ name: body.name }, 201);
  });
  return { app, logger, readiness };
}

const post = (body: string, type = 'application/json') =>
  ({ method: 'POST', body, headers: { 'content-type': type, 'x-request-id': 'req-1' } }) as const;

describe('createServiceApp', () => {
  it('keeps VERSION equal to package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('answers /health at once and /ready with 503 naming the dependency until it is up', async () => {
    const { app, readiness } = build();
    const health = await app.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'healthy', service: 'demo', version: VERSION });

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started = readiness.start('database', () => gate);
    const notReady = await app.request('/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('1');
    const body = await notReady.json();
    expect(body.error.code).toBe('NOT_READY');
    expect(body.error.message).toContain('database');
    release();
    await started;
    const ready = await app.request('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, components: { database: { status: 'ready', attempts: 1 } } });
  });

  it('serves a generated OpenAPI 3.1 document listing its routes', async () => {
    const { app } = build();
    const doc = await (await app.request('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/items']));
    expect(doc.paths['/items'].post.operationId).toBe('createItem');
  });

  it('turns every failure into the envelope with the request id', async () => {
    const { app, logger } = build();
    const cases: [RequestInit, number, string][] = [
      [post('{"name":'), 400, 'INVALID_JSON'],
      [post('{"name":"","qty":1.5}'), 400, 'VALIDATION_FAILED'],
      [post('name=x', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [post('{"name":"taken","qty":1}'), 409, 'CONFLICT'],
      [post('{"name":"boom","qty":1}'), 500, 'INTERNAL'],
    ];
    for (const [init, status, code] of cases) {
      const res = await app.request('/items', init);
      expect(res.status, code).toBe(status);
      const body = await res.json();
      expect(body.error).toMatchObject({ code, requestId: 'req-1' });
      expect(typeof body.error.message).toBe('string');
    }
    const validation = await (await app.request('/items', post('{"name":"","qty":1.5}'))).json();
    expect(validation.error.details).toEqual([
      { path: 'name', message: expect.any(String) },
      { path: 'qty', message: expect.any(String) },
    ]);
    const internal = await (await app.request('/items', post('{"name":"boom","qty":1}'))).json();
    expect(internal.error.message).toBe('Internal server error');
    expect(logger.lines.join('\n')).not.toContain('hunter2');
  });

  it('refuses bodies and parameters it cannot store or walk with a 400 envelope naming the field; the handler never runs', async () => {
    const { app } = build();
    const seen: string[] = [];
    const search = createRoute({
      method: 'get',
      path: '/items/{id}',
      request: { params: z.object({ id: z.string() }), query: z.object({ q: z.string().optional() }) },
      responses: { 200: { description: 'ok' } },
    });
    app.openapi(search, (c) => {
      seen.push(c.req.valid('query').q ?? '');
      return c.json({ ok: true }, 200);
    });
    const bytes = (...parts: (string | number[])[]) =>
      new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));
    const cases: [RequestInit & { path?: string }, string, string, string][] = [
      [post('{"name":"a\\u0000b","qty":1}'), 'VALIDATION_FAILED', 'name', 'Invalid request body: name: must not contain NUL (\\u0000) characters'],
      [post('{"name":"x","qty":1,"extra":{"deep":["\\udc00"]}}'), 'VALIDATION_FAILED', 'extra.deep.0', 'unpaired UTF-16 surrogates'],
      [post(`{"name":"x","qty":1,"n":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), 'VALIDATION_FAILED', 'n.0.0.….0.0', 'nest deeper than 64 levels'],
      [post('{"name":"x","qty":1,"__proto__":{"admin":true}}'), 'VALIDATION_FAILED', '(root)', '"__proto__"'],
      [{ ...post(''), body: bytes('{"name":"caf', [0xe9], '","qty":1}') }, 'INVALID_JSON', '', 'Request body is not valid UTF-8'],
      [{ ...post('{}', 'application/json; charset=utf-8'), body: bytes('{"name":"', [0xc3, 0x28], '","qty":1}') }, 'INVALID_JSON', '', 'not valid UTF-8'],
    ];
    for (const [init, code, path, message] of cases) {
      const res = await app.request('/items', init);
      expect(res.status, message).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string; requestId: string; details?: { path: string }[] } };
      expect(error, message).toMatchObject({ code, requestId: 'req-1' });
      expect(error.message).toContain(message);
      if (path) expect(error.details).toEqual([{ path, message: expect.any(String) }]);
    }
    for (const url of ['/items/1?q=a%00b', '/items/a%00b']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/^Invalid request in (query: q|param: id): must not contain NUL/);
    }
    expect(seen).toEqual([]);
    expect((await app.request('/items/1?q=%E6%BC%A2%20%F0%9F%98%80%09')).status).toBe(200);
    expect(seen).toEqual(['漢 😀\t']);
  });

  it('passes any other text through unchanged, keeps the bytes readable, and runs the route\'s own middleware first', async () => {
    const { app } = build();
    const route = createRoute({
      method: 'put',
      path: '/docs',
      // Like chat's emptyJsonBody: replaces an empty body before anything reads it.
      middleware: [
        async (c, next) => {
          if ((await c.req.raw.clone().text()) === '') c.req.raw = new Request(c.req.raw.url, { method: 'PUT', headers: c.req.raw.headers, body: '{"content":""}' });
          await next();
        },
      ],
      request: { body: { required: true, content: { 'application/json': { schema: z.object({ content: z.string() }) } } } },
      responses: { 200: { description: 'ok' } },
    });
    app.openapi(route, async (c) => {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      return c.json({ content: c.req.valid('json').content, text: await c.req.text(), bytes: bytes.length }, 200);
    });
    const content = '# Doc\n\ttabbed, é, 漢字, 😀, a literal \ufffd, \u0001 and "\\u0000" as text';
    const body = JSON.stringify({ content });
    const res = await app.request('/docs', { method: 'PUT', body, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ content, text: body, bytes: new TextEncoder().encode(body).length });
    const empty = await app.request('/docs', { method: 'PUT', body: '', headers: { 'content-type': 'application/json' } });
    expect([empty.status, ((await empty.json()) as { content: string }).content]).toEqual([200, '']);
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const { app } = build();
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.code).toBe('NOT_FOUND');
    expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
  });
});
