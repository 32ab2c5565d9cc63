import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { createServiceApp } from '../openapi/service-app.ts';
import { Readiness } from '../readiness/readiness.ts';
import { ApiError } from './api-error.ts';

/** What a service logs when a request fails on the server side: expected refusals at warn, bugs at error. */
describe('logThrown (the onError log of every service app)', () => {
  function build() {
    const logger = createMemoryLogger();
    const app = createServiceApp({ service: 'demo', version: 'test', logger, readiness: new Readiness(logger) });
    app.get('/busy', () => {
      throw new ApiError('KB_NOT_READY', 'The knowledge base is not ready yet: starting. Try again shortly.', { headers: { 'Retry-After': '5' } });
    });
    app.get('/upstream', () => {
      throw new ApiError('SERVICE_UNAVAILABLE', 'Identity verification is unavailable', { cause: new Error('connect ECONNREFUSED 10.0.0.9:8000') });
    });
    app.get('/internal', () => {
      throw new ApiError('INTERNAL', 'Internal server error', { cause: new Error('invariant broken') });
    });
    app.get('/bug', () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    });
    return { app, logger };
  }
  const get = (app: ReturnType<typeof build>['app'], path: string) => app.request(path, { headers: { 'x-request-id': `req-${path.slice(1)}` } });
  const failures = (logger: ReturnType<typeof build>['logger']) => logger.entries().filter((e) => e.msg !== 'request');

  it('logs a refusal with a known code at warn, with its code, status, message and cause, and no stack', async () => {
    const { app, logger } = build();
    expect((await get(app, '/busy')).status).toBe(503);
    expect((await get(app, '/upstream')).status).toBe(503);
    const [busy, upstream, ...rest] = failures(logger);
    expect(rest).toEqual([]);
    expect(busy).toMatchObject({
      level: 'warn',
      msg: 'request refused',
      requestId: 'req-busy',
      code: 'KB_NOT_READY',
      status: 503,
      message: 'The knowledge base is not ready yet: starting. Try again shortly.',
    });
    expect(busy).not.toHaveProperty('err');
    expect(upstream).toMatchObject({ level: 'warn', code: 'SERVICE_UNAVAILABLE', cause: { message: 'connect ECONNREFUSED 10.0.0.9:8000' } });
  });

  it('logs anything else as "unhandled error" at error, with the error and its stack', async () => {
    const { app, logger } = build();
    expect((await get(app, '/bug')).status).toBe(500);
    expect((await get(app, '/internal')).status).toBe(500);
    const [bug, internal, ...rest] = failures(logger);
    expect(rest).toEqual([]);
    expect(bug).toMatchObject({ level: 'error', msg: 'unhandled error', requestId: 'req-bug', err: { name: 'TypeError' } });
    expect((bug?.err as { stack?: string } | undefined)?.stack).toContain('TypeError');
    expect(internal).toMatchObject({ level: 'error', msg: 'unhandled error', err: { code: 'INTERNAL', cause: { message: 'invariant broken' } } });
  });
});
