import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { createServiceApp } from '../openapi/service-app.ts';
import { Readiness } from '../readiness/readiness.ts';
import { gaiaRouter } from './router.ts';

/** A GAIA router mounted on a service app, as chat and auth mount theirs. */
function build() {
  const logger = createMemoryLogger();
  const app = createServiceApp({ service: 'demo', version: '0', logger, readiness: new Readiness(logger) });
  const v1 = gaiaRouter(logger);
  const stored: string[] = [];
  v1.openapi(
    createRoute({
      method: 'post',
      path: '/chat',
      request: { body: { required: true, content: { 'application/json': { schema: z.looseObject({ message: z.string() }) } } } },
      responses: { 200: { description: 'ok' } },
    }),
    (c) => {
      const { message } = c.req.valid('json');
      if (message === 'boom') throw new Error('secret internals');
      stored.push(message);
      return c.json({ response: message }, 200);
    },
  );
  v1.openapi(
    createRoute({
      method: 'get',
      path: '/conversations',
      request: { query: z.object({ q: z.string().optional(), limit: z.coerce.number().int().max(100).optional() }) },
      responses: { 200: { description: 'ok' } },
    }),
    (c) => c.json({ q: c.req.valid('query').q ?? null }, 200),
  );
  app.route('/api/v1', v1);
  return { app, logger, stored };
}

const post = (body: string | Uint8Array) => ({ method: 'POST', body: body as BodyInit, headers: { 'content-type': 'application/json' } });

describe('gaiaRouter', () => {
  it('answers strict-body refusals as GAIA 400 {"detail": "<why>"}, not the envelope, and stores nothing', async () => {
    const { app, stored } = build();
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const cases: [string | Uint8Array, string][] = [
      [deep, 'Invalid request body: 0.0.0.….0.0: must not nest deeper than 64 levels'],
      [`{"message":"hi","messages":${deep}}`, 'Invalid request body: messages.0.0.….0.0: must not nest deeper than 64 levels'],
      ['{"message":"a\\u0000b"}', 'Invalid request body: message: must not contain NUL (\\u0000) characters'],
      ['{"message":"\\ud800"}', 'Invalid request body: message: must not contain unpaired UTF-16 surrogates (\\ud800-\\udfff): text must be valid Unicode'],
      [new Uint8Array([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'Request body is not valid UTF-8: send JSON text encoded as UTF-8'],
    ];
    for (const [body, detail] of cases) {
      const res = await app.request('/api/v1/chat', post(body));
      expect([res.status, await res.json()]).toEqual([400, { detail }]);
    }
    expect(stored).toEqual([]);
  });

  it('answers a NUL in a query parameter with 400 {"detail"}, and keeps FastAPI 422 lists and the rest as they were', async () => {
    const { app, logger } = build();
    const nul = await app.request('/api/v1/conversations?q=a%00b');
    expect([nul.status, await nul.json()]).toEqual([400, { detail: 'Invalid request in query: q: must not contain NUL (\\u0000) characters' }]);
    const range = await app.request('/api/v1/conversations?limit=1000');
    expect(range.status).toBe(422);
    expect(((await range.json()) as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(['query', 'limit']);
    const missing = await app.request('/api/v1/chat', post('{}'));
    expect([missing.status, await missing.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'message'], msg: 'Field required', input: null }] }]);
    const malformed = await app.request('/api/v1/chat', post('{"message":'));
    expect([malformed.status, await malformed.json()]).toEqual([400, { detail: 'Invalid JSON body' }]);
    const boom = await app.request('/api/v1/chat', post('{"message":"boom"}'));
    expect([boom.status, await boom.json()]).toEqual([500, { detail: 'Internal server error' }]);
    expect(logger.entries().filter((e) => e.msg === 'unhandled error')).toHaveLength(1);
  });
});
