import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { openapiTail } from './tail-param.ts';

describe('openapiTail', () => {
  const route = createRoute({
    method: 'get',
    path: '/docs/{path}',
    request: { params: z.object({ path: z.string().min(1) }) },
    responses: { 200: { description: 'ok' } },
  });
  const app = new OpenAPIHono();
  openapiTail(app, route, (c) => c.json({ path: c.req.valid('param').path }, 200));

  it('gives the last parameter the rest of the URL, decoded, slashes included', async () => {
    const res = await app.request('/docs/shared/a%20b/c.md');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: 'shared/a b/c.md' });
    expect((await app.request('/docs/')).status).toBe(404);
  });

  it('documents the route with its plain parameter', () => {
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    expect(Object.keys(doc.paths ?? {})).toEqual(['/docs/{path}']);
  });

  it('refuses a route that does not end with a parameter', () => {
    const bad = createRoute({ method: 'get', path: '/docs/{path}/raw', responses: { 200: { description: 'ok' } } });
    expect(() => openapiTail(new OpenAPIHono(), bad, (c) => c.body(null, 200))).toThrow(/does not end/);
  });
});
