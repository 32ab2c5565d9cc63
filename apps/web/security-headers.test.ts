import { describe, expect, it } from 'vitest';
import { formPost, signIn, USER, webTestApp } from './testing.ts';

const DOC = { path: `users/${USER.id}/notes.md`, title: 'Notes', content: '# Notes', last_commit: null };

/** A web app whose fake gateway answers every page's data, and a signed-in cookie for it. */
async function signedInApp() {
  const test = webTestApp();
  const { gateway } = test;
  gateway.get('/health', (c) => c.json({ status: 'healthy', version: '0.1.0', services: {}, database: { status: 'healthy' } }));
  gateway.get('/api/v1/models', (c) => c.json({ models: [{ id: 'local/gaia-local', name: 'gaia-local', provider: 'local', default: true }] }));
  gateway.get('/api/v1/chat/personas', (c) => c.json({ personas: [] }));
  gateway.get('/api/v1/conversations', (c) => c.json({ conversations: [] }));
  gateway.get('/api/v1/conversations/:id/messages', (c) => c.json({ messages: [] }));
  gateway.get('/api/v1/kb/tree', (c) => c.json({ path: '', entries: [] }));
  gateway.get('/api/v1/kb/search', (c) => c.json({ results: [] }));
  gateway.get('/api/v1/kb/documents/*', (c) => (c.req.path.endsWith('/broken.md') ? c.json({ detail: 'down' }, 503) : c.json(DOC)));
  gateway.post('/api/v1/chat', () => new Response('data: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } }));
  return { ...test, cookie: await signIn(test.app) };
}

function expectSecurityHeaders(what: string, res: Response) {
  const headers = Object.fromEntries(
    ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options'].map((name) => [name, res.headers.get(name)]),
  );
  expect({ what, headers }).toEqual({
    what,
    headers: {
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'x-frame-options': 'DENY',
    },
  });
  const csp = res.headers.get('content-security-policy') ?? '';
  expect({ what, csp }).toEqual({ what, csp: expect.stringContaining("script-src 'self'") });
  expect({ what, csp }).toEqual({ what, csp: expect.stringContaining("style-src 'self'") });
  expect({ what, csp }).toEqual({ what, csp: expect.not.stringMatching(/unsafe-inline|unsafe-eval|\*/) });
}

describe('web security headers', () => {
  it('are on every kind of response: pages, fragments, redirects, the stream, errors, 404, static files', async () => {
    const { app, cookie } = await signedInApp();
    const hx = { cookie, 'hx-request': 'true' };
    const requests: [string, string, RequestInit?][] = [
      ['home page', '/'],
      ['sign-in page', '/login'],
      ['sign-in refused', '/login', formPost({ email: USER.email, password: 'wrong' })],
      ['signed-out redirect', '/chat'],
      ['signed-out htmx', '/partials/conversations', { headers: { 'hx-request': 'true' } }],
      ['chat page', '/chat', { headers: { cookie } }],
      ['conversation', '/chat/0b7a3c1e-1111-4222-8333-444455556666', { headers: { cookie } }],
      ['conversation list', '/partials/conversations', { headers: hx }],
      ['chat stream', '/chat/stream', formPost({ message: 'hi' }, { cookie })],
      ['chat stream refused', '/chat/stream', formPost({ message: ' ' }, { cookie })],
      ['kb page', '/kb', { headers: { cookie } }],
      ['kb tree', '/partials/kb/tree', { headers: hx }],
      ['kb search', '/partials/kb/search?q=x', { headers: hx }],
      ['kb document', `/kb/doc/${DOC.path}`, { headers: { cookie } }],
      ['kb gateway error', `/kb/doc/users/${USER.id}/broken.md`, { headers: { cookie } }],
      ['assets page', '/assets', { headers: { cookie } }],
      ['asset file missing', '/assets/0b7a3c1e-1111-4222-8333-444455556666/download', { headers: { cookie } }],
      ['asset job card', '/partials/assets/jobs/not-an-id', { headers: hx }],
      ['static assets script', '/static/assets.js'],
      ['status fragment', '/partials/status'],
      ['not found', '/no/such/page'],
      ['static htmx', '/static/htmx.min.js'],
      ['static script', '/static/chat.js'],
      ['static stylesheet', '/static/web.css'],
      ['static missing', '/static/nope.js'],
      ['health', '/health'],
      ['openapi', '/openapi.json'],
      ['foreign form post', '/login', formPost({ email: USER.email, password: 'x' }, { origin: 'https://evil.example' })],
    ];
    const statuses: Record<string, number> = {};
    for (const [what, path, init] of requests) {
      const res = await app.request(path, init);
      statuses[what] = res.status;
      expectSecurityHeaders(what, res);
      await res.body?.cancel();
    }
    // The list covers what it says: each kind answered as expected.
    expect(statuses).toMatchObject({ 'signed-out redirect': 303, 'signed-out htmx': 401, 'chat stream': 200, 'chat stream refused': 400 });
    expect(statuses).toMatchObject({ 'kb gateway error': 503, 'not found': 404, 'static script': 200, 'static missing': 404, 'foreign form post': 403 });
    expect(statuses).toMatchObject({ 'assets page': 200, 'asset file missing': 404, 'asset job card': 404, 'static assets script': 200 });
  });

  it('serves the chat script and the stylesheet as files, with their types', async () => {
    const { app } = webTestApp();
    const script = await app.request('/static/chat.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("fetch('/chat/stream'");
    const css = await app.request('/static/web.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.htmx-indicator');
  });

  it('renders pages without inline scripts, styles, event handlers or javascript: URLs', async () => {
    const { app, cookie } = await signedInApp();
    const pages: [string, string, RequestInit?][] = [
      ['home', '/'],
      ['sign-in', '/login'],
      ['sign-up refused', '/register', formPost({ email: 'x@example.com', password: '' })],
      ['chat', '/chat', { headers: { cookie } }],
      ['kb', '/kb', { headers: { cookie } }],
      ['kb document (editable)', `/kb/doc/${DOC.path}`, { headers: { cookie } }],
      ['kb write refused', '/kb/doc', formPost({ name: '../x', content: 'x' }, { cookie })],
      ['assets', '/assets', { headers: { cookie } }],
      ['asset form refused', '/assets/jobs', formPost({ category: 'image', description: ' ' }, { cookie })],
    ];
    for (const [what, path, init] of pages) {
      const html = await (await app.request(path, init)).text();
      expect({ what, html }).toEqual({ what, html: expect.stringContaining('<script src="/static/htmx.min.js?v=') });
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect({ what, inline: scripts.filter((tag) => !/\ssrc="\/static\//.test(tag)) }).toEqual({ what, inline: [] });
      expect({ what, offending: html.match(/<style\b|\sstyle=|\son[a-z]+=|javascript:|\shx-on[:-]/gi) }).toEqual({ what, offending: null });
      expect({ what, config: html.includes('<meta name="htmx-config" content="{&quot;includeIndicatorStyles&quot;:false') }).toEqual({
        what,
        config: true,
      });
    }
    const chat = await (await app.request('/chat', { headers: { cookie } })).text();
    expect(chat).toMatch(/<script src="\/static\/chat\.js\?v=[^"]+" defer="">/);
  });
});
