import { describe, expect, it } from 'vitest';

const base = process.env.SMOKE_GATEWAY_URL;
if (!base) throw new Error('SMOKE_GATEWAY_URL must name the gateway under test (run test/deno/run.sh)');

describe(`gateway smoke (${base})`, () => {
  it('GET /health aggregates the services with a status each', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('healthy');
    expect(Object.keys(body.services).sort()).toEqual(['asset', 'auth', 'chat', 'kb']);
    expect(body.database).toMatchObject({ status: 'healthy', database: 'postgresql' });
    expect(res.headers.get('server-timing')).toMatch(/gateway;dur=/);
  });

  it('GET /openapi.json is the merged public document', async () => {
    const doc = await (await fetch(`${base}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/auth/health']));
  });

  it('unknown routes get the 404 envelope with the request id', async () => {
    const res = await fetch(`${base}/no/such/route`, { headers: { 'X-Request-Id': 'smoke-1' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route for GET /no/such/route', requestId: 'smoke-1' },
    });
  });

  it('proxies a route to its service over HTTP', async () => {
    const res = await fetch(`${base}/auth/health`, { headers: { 'X-Request-Id': 'smoke-2' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ service: 'auth', overall_status: 'healthy' });
    expect(res.headers.get('x-request-id')).toBe('smoke-2');
    expect(res.headers.get('server-timing')).toMatch(/upstream;dur=/);
  });

  it('forwards a signed identity: a user registered through the gateway manages API keys, and a key works', async () => {
    const email = `smoke-${crypto.randomUUID()}@example.com`;
    const register = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery staple' }),
    });
    expect(register.status).toBe(200);
    const { session } = await register.json();
    const created = await fetch(`${base}/api/v1/auth/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.access_token}` },
      body: JSON.stringify({ name: 'smoke' }),
    });
    expect(created.status).toBe(201);
    const { key } = await created.json();
    expect(key).toMatch(/^gaia_/);
    const listed = await fetch(`${base}/api/v1/auth/api-keys`, { headers: { 'x-api-key': key } });
    expect(listed.status).toBe(200);
    const refused = await fetch(`${base}/api/v1/auth/api-keys`);
    expect(refused.status).toBe(401);
  });

  it('serves the docs page and its assets locally', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    const css = await fetch(`${base}/docs/assets/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });
});
