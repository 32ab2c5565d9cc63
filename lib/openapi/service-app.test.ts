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

  it('answers unknown routes with a 404 envelope', async () => {
    const { app } = build();
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.code).toBe('NOT_FOUND');
    expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
  });
});
