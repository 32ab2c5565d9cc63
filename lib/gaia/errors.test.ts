import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { GaiaError, gaiaOnError, gaiaValidationHook } from './errors.ts';

function app() {
  const router = new OpenAPIHono({ defaultHook: gaiaValidationHook });
  router.onError(gaiaOnError());
  const route = createRoute({
    method: 'post',
    path: '/auth/login',
    request: { body: { required: true, content: { 'application/json': { schema: z.object({ email: z.string(), password: z.string() }) } } } },
    responses: { 200: { description: 'ok' } },
  });
  router.openapi(route, (c) => {
    const { email } = c.req.valid('json');
    if (email === 'nobody') throw new GaiaError(400, 'Login failed: Invalid login credentials');
    if (email === 'boom') throw new Error('secret internals');
    return c.json({ ok: true }, 200);
  });
  return router;
}

const post = (body: string) => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('GAIA wire-format errors', () => {
  it('answers missing fields with FastAPI 422 lists', async () => {
    const res = await app().request('/auth/login', post('{"email":"a@b.c"}'));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null }] });
  });

  it('answers malformed JSON with 400 Invalid JSON body', async () => {
    const res = await app().request('/auth/login', post('{"email":'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Invalid JSON body' });
  });

  it('answers GaiaError with its detail and unknown errors with a bare 500', async () => {
    const bad = await app().request('/auth/login', post('{"email":"nobody","password":"x"}'));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ detail: 'Login failed: Invalid login credentials' });
    const boom = await app().request('/auth/login', post('{"email":"boom","password":"x"}'));
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ detail: 'Internal server error' });
  });

  it('can use the {"error": ...} key where GAIA does', () => {
    expect(new GaiaError(400, 'Missing required field: message', { key: 'error' }).body).toEqual({ error: 'Missing required field: message' });
  });
});
