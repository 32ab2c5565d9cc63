import { describe, expect, it } from 'vitest';
import { formPost, PASSWORD, signIn, sessionCookieOf, USER, webTestApp } from '../../testing.ts';

const models = { models: [{ id: 'local/gaia-local', name: 'gaia-local', provider: 'local', default: true }] };

describe('web sessions', () => {
  it('sends a browser without a session to the sign-in page, coming back afterwards', async () => {
    const { app } = webTestApp();
    const chat = await app.request('/chat');
    expect(chat.status).toBe(303);
    expect(chat.headers.get('location')).toBe('/login');
    expect((await app.request('/chat/abc')).headers.get('location')).toBe('/login?next=%2Fchat%2Fabc');
    expect((await app.request('/kb')).headers.get('location')).toBe('/login?next=%2Fkb');
    const partial = await app.request('/partials/conversations', { headers: { 'hx-request': 'true' } });
    expect(partial.status).toBe(401);
    expect(partial.headers.get('hx-redirect')).toBe('/login');
    const stream = await app.request('/chat/stream', formPost({ message: 'hi' }));
    expect(stream.status).toBe(401);
    expect(await stream.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('shows the gateway refusal of a wrong password in the form, keeping the email, setting no cookie', async () => {
    const { app } = webTestApp();
    const res = await app.request('/login', formPost({ email: USER.email, password: 'wrong', next: '/kb' }));
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie()).toEqual([]);
    const html = await res.text();
    expect(html).toContain('<p class="error" role="alert">Login failed: Invalid login credentials</p>');
    expect(html).toContain(`value="${USER.email}"`);
    expect(html).toContain('name="next" value="/kb"');
  });

  it('explains a form the gateway never saw (no password) without calling it', async () => {
    const { app, calls } = webTestApp();
    const res = await app.request('/register', formPost({ email: 'x@example.com', password: '' }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Please enter a password');
    expect(calls).toEqual([]);
  });

  it('keeps the tokens in a sealed HttpOnly SameSite=Lax cookie that does not contain them', async () => {
    const { app, gateway } = webTestApp();
    let bearer = '';
    gateway.get('/api/v1/models', (c) => {
      bearer = c.req.header('authorization') ?? '';
      return c.json(models);
    });
    gateway.get('/api/v1/chat/personas', (c) => c.json({ personas: [] }));
    const res = await app.request('/login', formPost({ email: USER.email, password: PASSWORD, next: '/chat' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/chat');
    const [setCookie] = res.headers.getSetCookie();
    expect(setCookie).toMatch(/^gaia_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);

    const cookie = sessionCookieOf(res);
    const page = await app.request('/chat', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(USER.email);
    const token = bearer.replace('Bearer ', '');
    expect(token.split('.')).toHaveLength(3);
    const value = cookie.slice('gaia_session='.length);
    for (const part of [token, ...token.split('.'), 'rt-', USER.email, USER.id]) expect(value).not.toContain(part);
    const [header, encryptedKey, iv, ciphertext, tag] = value.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
    expect([encryptedKey, iv!.length > 0, ciphertext!.length > 0, tag!.length > 0]).toEqual(['', true, true, true]);
  });

  it('ignores a tampered or foreign cookie', async () => {
    const { app } = webTestApp();
    const cookie = await signIn(app);
    const tampered = `${cookie.slice(0, -4)}${cookie.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect((await app.request('/chat', { headers: { cookie: tampered } })).headers.get('location')).toBe('/login');
    const other = webTestApp();
    expect((await other.app.request('/chat', { headers: { cookie } })).headers.get('location')).toBe('/login');
  });

  it('refreshes an expired access token once for concurrent requests, and re-seals the cookie', async () => {
    const { app, gateway, calls } = webTestApp({ expiresIn: 0 });
    const presented: string[] = [];
    gateway.post('/api/v1/auth/refresh', async (c) => {
      presented.push((await c.req.json<{ refresh_token: string }>()).refresh_token);
      return c.json({ access_token: 'renewed.access.token', refresh_token: 'rt-renewed', expires_in: 900, user: USER });
    });
    gateway.get('/api/v1/kb/tree', (c) => c.json({ path: '', entries: [] }));
    const cookie = await signIn(app);
    const responses = await Promise.all([1, 2, 3].map(() => app.request('/partials/kb/tree', { headers: { cookie } })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(presented).toHaveLength(1);
    const renewed = sessionCookieOf(responses[0]!);
    expect(renewed).not.toBe(cookie);
    await app.request('/partials/kb/tree', { headers: { cookie: renewed } });
    expect(calls.filter((call) => call === 'POST /api/v1/auth/refresh')).toHaveLength(1);
  });

  it('ends the session when the gateway refuses the refresh', async () => {
    const { app, gateway } = webTestApp({ expiresIn: 0 });
    gateway.post('/api/v1/auth/refresh', (c) => c.json({ detail: 'Token refresh failed: Invalid Refresh Token: Already Used' }, 400));
    const cookie = await signIn(app);
    const res = await app.request('/kb', { headers: { cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fkb');
    expect(res.headers.getSetCookie()[0]).toMatch(/^gaia_session=; Max-Age=0/);
  });

  it('signs out at the gateway and clears the cookie', async () => {
    const { app, gateway } = webTestApp();
    let logout: unknown;
    gateway.post('/api/v1/auth/logout', async (c) => {
      logout = { body: await c.req.json(), bearer: c.req.header('authorization')?.startsWith('Bearer ') };
      return c.json({ message: 'Logged out successfully' });
    });
    const cookie = await signIn(app);
    const res = await app.request('/logout', formPost({}, { cookie }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(res.headers.getSetCookie()[0]).toMatch(/^gaia_session=; Max-Age=0/);
    expect(logout).toEqual({ body: { refresh_token: expect.stringMatching(/^rt-/) }, bearer: true });
  });

  it('refuses form posts from another origin or without one', async () => {
    const { app, calls } = webTestApp();
    expect((await app.request('/login', formPost({ email: USER.email, password: PASSWORD }, { origin: 'https://evil.example' }))).status).toBe(403);
    const noOrigin = formPost({ email: USER.email, password: PASSWORD });
    delete (noOrigin.headers as Record<string, string>).origin;
    expect((await app.request('/login', noOrigin)).status).toBe(403);
    const sameSite = formPost({ email: USER.email, password: PASSWORD }, { 'sec-fetch-site': 'same-origin' });
    delete (sameSite.headers as Record<string, string>).origin;
    expect((await app.request('/login', sameSite)).status).toBe(303);
    expect(calls).toEqual(['POST /api/v1/auth/login']);
  });

  it('never redirects off the site after signing in', async () => {
    const { app } = webTestApp();
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example', 'chat']) {
      const res = await app.request('/login', formPost({ email: USER.email, password: PASSWORD, next }));
      expect(res.headers.get('location')).toBe('/chat');
    }
    const signedIn = await signIn(app);
    const login = await app.request('/login?next=/kb', { headers: { cookie: signedIn } });
    expect(login.headers.get('location')).toBe('/kb');
  });
});
