import { describe, expect, it } from 'vitest';
import { formPost, gatewaySession, ORIGIN, PASSWORD, signIn, sessionCookieOf, USER, webTestApp } from '../../testing.ts';

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

  describe('when the gateway refuses a live access token (its session ended)', () => {
    /** A gateway that accepts only `renewed.access.token`, and whose refresh answers `refresh` (default: refused). */
    function refusingGateway(refresh?: () => Response) {
      const test = webTestApp();
      const bearers: string[] = [];
      test.gateway.use('/api/v1/*', async (c, next) => {
        if (c.req.path.startsWith('/api/v1/auth/')) return next();
        const bearer = c.req.header('authorization') ?? '';
        bearers.push(bearer);
        if (bearer !== 'Bearer renewed.access.token') return c.json({ detail: 'Invalid or expired token' }, 401);
        return next();
      });
      test.gateway.post('/api/v1/auth/refresh', () => (refresh ? refresh() : Response.json({ detail: 'Invalid Refresh Token: Revoked' }, { status: 400 })));
      test.gateway.get('/api/v1/models', (c) => c.json(models));
      test.gateway.get('/api/v1/chat/personas', (c) => c.json({ personas: [] }));
      test.gateway.get('/api/v1/kb/tree', (c) => c.json({ path: '', entries: [] }));
      return { ...test, bearers, refreshes: () => test.calls.filter((call) => call === 'POST /api/v1/auth/refresh').length };
    }
    const renewedSession = () => Response.json({ access_token: 'renewed.access.token', refresh_token: 'rt-renewed', expires_in: 900, user: USER });
    const cleared = (res: Response) => res.headers.getSetCookie().some((c) => /^gaia_session=; Max-Age=0/.test(c));

    it('renews the session once and sends the request again, re-sealing the cookie', async () => {
      const { app, bearers, refreshes } = refusingGateway(renewedSession);
      const cookie = await signIn(app);
      const res = await app.request('/partials/kb/tree', { headers: { cookie, 'hx-request': 'true' } });
      expect(res.status).toBe(200);
      expect(bearers.map((b) => b === 'Bearer renewed.access.token')).toEqual([false, true]);
      expect(sessionCookieOf(res)).not.toBe(cookie);

      // The chat page asks three things at once: one refresh, one new cookie.
      const page = await app.request('/chat', { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('local/gaia-local');
      expect(refreshes()).toBe(1);
      expect(page.headers.getSetCookie().filter((c) => c.startsWith('gaia_session='))).toHaveLength(1);
    });

    it('signs the browser out when the refresh is refused: cookie cleared, to the sign-in page, never a 5xx', async () => {
      const { app, refreshes } = refusingGateway();
      const cookie = await signIn(app);
      const page = await app.request('/kb/doc/users/x/notes.md', { headers: { cookie } });
      expect([page.status, page.headers.get('location'), cleared(page)]).toEqual([303, '/login?next=%2Fkb%2Fdoc%2Fusers%2Fx%2Fnotes.md', true]);
      expect(await page.text()).toBe('');

      const chat = await app.request('/chat/abc', { headers: { cookie } });
      expect([chat.status, chat.headers.get('location'), cleared(chat)]).toEqual([303, '/login?next=%2Fchat%2Fabc', true]);

      const fragment = await app.request('/partials/conversations', { headers: { cookie, 'hx-request': 'true', 'hx-current-url': `${ORIGIN}/chat/abc?x=1` } });
      expect([fragment.status, fragment.headers.get('hx-redirect'), cleared(fragment)]).toEqual([401, '/login?next=%2Fchat%2Fabc%3Fx%3D1', true]);

      const remove = await app.request('/chat/abc', { method: 'DELETE', headers: { cookie, origin: ORIGIN, 'hx-request': 'true' } });
      expect([remove.status, remove.headers.get('hx-redirect'), cleared(remove)]).toEqual([401, '/login', true]);

      const save = await app.request('/kb/doc', formPost({ name: 'a.md', content: 'x' }, { cookie }));
      expect([save.status, save.headers.get('location'), cleared(save)]).toEqual([303, '/login', true]);

      // The chat page's script gets a 401 envelope, and goes to the sign-in page on it.
      const stream = await app.request('/chat/stream', formPost({ message: 'hi' }, { cookie }));
      expect([stream.status, cleared(stream)]).toEqual([401, true]);
      expect(await stream.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });

      // One refresh for the cookie: its refusal is remembered for the requests that still carry it.
      expect(refreshes()).toBe(1);
    });

    it('signs the browser out when the gateway refuses the renewed token too', async () => {
      const { app, gateway, refreshes } = refusingGateway(renewedSession);
      gateway.get('/api/v1/conversations', (c) => c.json({ detail: 'Session ended' }, 401));
      const cookie = await signIn(app);
      const res = await app.request('/partials/conversations', { headers: { cookie, 'hx-request': 'true' } });
      expect([res.status, res.headers.get('hx-redirect'), cleared(res)]).toEqual([401, '/login', true]);
      expect(refreshes()).toBe(1);
    });

    it('keeps htmx sign-in redirects on this site whatever page the browser claims to be on', async () => {
      const { app } = webTestApp();
      for (const current of [`${ORIGIN}//evil.example/x`, `${ORIGIN}/%2F%2Fevil.example`, 'not a url', `${ORIGIN}/login?next=//evil.example`]) {
        const res = await app.request('/partials/conversations', { headers: { 'hx-request': 'true', 'hx-current-url': current } });
        expect({ current, redirect: res.headers.get('hx-redirect') }).toEqual({ current, redirect: '/login' });
      }
    });
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
      expect(res.headers.get('location')).toBe('/');
    }
    const signedIn = await signIn(app);
    const login = await app.request('/login?next=/kb', { headers: { cookie: signedIn } });
    expect(login.headers.get('location')).toBe('/kb');
  });

  describe('the `next` target, whatever a browser makes of it', () => {
    /** Raw query strings for `GET /login?next=`, as an attacker would write them into a link. */
    const hostileQueries = [
      '/%09/evil.example/path',
      '/%0a/evil.example/path',
      '/%0d%0a/evil.example',
      '%09//evil.example',
      '/%5C/evil.example',
      '/%2F%252Fevil.example',
      '%2F%2Fevil.example',
      '/.//evil.example',
      '/..//evil.example/x',
      '/%2e%2e//evil.example',
      '/%00/evil.example',
      '/%7f/evil.example',
    ];
    /** Values as they arrive in a form's `next` field. */
    const hostileValues = [
      '/\t/evil.example/path',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '\t//evil.example',
      ' //evil.example',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\\/evil.example',
      '/%2F%2Fevil.example',
      '/%5C%5Cevil.example',
      '/%252F%252Fevil.example',
      '/%09/evil.example',
      '/.//evil.example',
      '/./\\evil.example',
      'https://evil.example/',
      'HTTPS:evil.example',
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'evil.example',
      '/login',
      '/login?next=//evil.example',
    ];
    const kept: [string, string][] = [
      ['/chat?c=1', '/chat?c=1'],
      ['/kb/doc#x', '/kb/doc#x'],
      ['/kb/doc/users/42/my%20notes.md', '/kb/doc/users/42/my%20notes.md'],
      ['/kb/doc/users/42/my notes.md', '/kb/doc/users/42/my%20notes.md'],
      ['/chat/é?q=über', '/chat/%C3%A9?q=%C3%BCber'],
      ['/kb?q=a%2F%2Fb', '/kb?q=a%2F%2Fb'],
      ['/kb/doc/100%25.md', '/kb/doc/100%25.md'],
      ['/kb/doc/100%.md', '/kb/doc/100%.md'],
    ];

    /** Where a browser goes for this `Location` (on the site at `ORIGIN`). */
    const destination = (location: string | null) => new URL(location ?? '', ORIGIN);

    it('sends a signed-in browser only to this site, never failing', async () => {
      const { app } = webTestApp();
      const cookie = await signIn(app);
      const queries = [...hostileQueries, ...hostileValues.map(encodeURIComponent)];
      for (const query of queries) {
        const res = await app.request(`/login?next=${query}`, { headers: { cookie } });
        expect({ query, status: res.status }).toEqual({ query, status: 303 });
        const location = res.headers.get('location');
        expect({ query, location }).toEqual({ query, location: '/' });
      }
      for (const [next, path] of kept) {
        const res = await app.request(`/login?next=${encodeURIComponent(next)}`, { headers: { cookie } });
        expect(res.headers.get('location')).toBe(path);
        expect(destination(res.headers.get('location')).origin).toBe(ORIGIN);
      }
    });

    it('keeps only a local target in the sign-in forms, and after signing in or up', async () => {
      const { app, gateway } = webTestApp();
      gateway.post('/api/v1/auth/register', async (c) => c.json({ user: USER, session: await gatewaySession() }));
      for (const next of hostileValues) {
        const page = await app.request(`/login?next=${encodeURIComponent(next)}`);
        expect({ next, status: page.status }).toEqual({ next, status: 200 });
        const fields = [...(await page.text()).matchAll(/name="next" value="([^"]*)"/g)].map((m) => m[1]);
        expect({ next, fields }).toEqual({ next, fields: ['/', '/'] });
        for (const form of ['/login', '/register']) {
          const res = await app.request(form, formPost({ email: USER.email, password: PASSWORD, next }));
          expect({ next, form, status: res.status, location: res.headers.get('location') }).toEqual({ next, form, status: 303, location: '/' });
        }
        const refused = await app.request('/login', formPost({ email: USER.email, password: '', next }));
        expect({ next, status: refused.status }).toEqual({ next, status: 400 });
        expect(await refused.text()).toContain('name="next" value="/"');
      }
      for (const [next, path] of kept) {
        const res = await app.request('/register', formPost({ email: USER.email, password: PASSWORD, next }));
        expect(res.headers.get('location')).toBe(path);
      }
      const none = await app.request('/login', formPost({ email: USER.email, password: PASSWORD }));
      expect(none.headers.get('location')).toBe('/chat');
    });
  });
});
