import { describe, expect, it } from 'vitest';
import { formPost, signIn, USER, webTestApp } from '../../testing.ts';

describe('knowledge base routes', () => {
  it('writes into the user folder, adding .md, then shows the document', async () => {
    const { app, gateway } = webTestApp();
    let written: { path: string; body: unknown } | undefined;
    gateway.put('/api/v1/kb/documents/*', async (c) => {
      written = { path: new URL(c.req.url).pathname, body: await c.req.json() };
      return c.json({ path: '', sha: 'a', commit: 'b' }, 201);
    });
    const cookie = await signIn(app);
    const res = await app.request('/kb/doc', formPost({ name: 'my notes/zebras', content: '# Z' }, { cookie }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/kb/doc/users/${USER.id}/my%20notes/zebras.md`);
    expect(written).toEqual({ path: `/api/v1/kb/documents/users/${USER.id}/my%20notes/zebras.md`, body: { content: '# Z' } });
  });

  it('keeps the draft and shows the problem when a path climbs out or the gateway refuses', async () => {
    const { app, gateway, calls } = webTestApp();
    gateway.put('/api/v1/kb/documents/*', (c) =>
      c.json({ error: { code: 'KB_INVALID_PATH', message: 'The path has characters that are not allowed', requestId: 'r' } }, 400),
    );
    const cookie = await signIn(app);
    const climbing = await app.request('/kb/doc', formPost({ name: '../../shared/x.md', content: 'draft <text>' }, { cookie }));
    expect(climbing.status).toBe(400);
    const html = await climbing.text();
    expect(html).toContain('Use a relative path inside your folder');
    expect(html).toContain('draft &lt;text&gt;</textarea>');
    expect(calls.some((c) => c.startsWith('PUT'))).toBe(false);
    const refused = await app.request('/kb/doc', formPost({ name: 'a*b.md', content: 'x' }, { cookie }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('The path has characters that are not allowed');
  });

  it('shows search results with only the <mark> highlighting as markup', async () => {
    const { app, gateway } = webTestApp();
    let query = '';
    gateway.get('/api/v1/kb/search', (c) => {
      query = c.req.query('q') ?? '';
      return c.json({
        query,
        mode: 'fulltext',
        results: [
          {
            path: 'shared/z.md',
            title: '<b>Zebras</b>',
            heading: 'Facts',
            snippet: 'the <mark>quagga</mark> &amp; &lt;b&gt; <img src=x onerror=alert(1)>',
            score: 1,
            line_start: 1,
            line_end: 2,
          },
        ],
        took_ms: 1,
      });
    });
    const cookie = await signIn(app);
    const res = await app.request('/partials/kb/search?q=quagga%20%26', { headers: { cookie, 'hx-request': 'true' } });
    const html = await res.text();
    expect(query).toBe('quagga &');
    expect(html).toContain('<p class="snippet">the <mark>quagga</mark> &amp; &lt;b&gt; &lt;img src=x onerror=alert(1)&gt;</p>');
    expect(html).toContain('&lt;b&gt;Zebras&lt;/b&gt;');
    expect(html).toContain('shared/z.md › Facts');
    expect(await (await app.request('/partials/kb/search?q=', { headers: { cookie } })).text()).toBe('');
  });

  it('lists a folder level and shows a document from its slashed path', async () => {
    const { app, gateway } = webTestApp();
    gateway.get('/api/v1/kb/tree', (c) =>
      c.json({
        path: c.req.query('path'),
        entries: [
          { path: 'shared/guides', name: 'guides', type: 'dir', title: null },
          { path: 'shared/a b.md', name: 'a b.md', type: 'file', title: 'A B' },
        ],
      }),
    );
    gateway.get('/api/v1/kb/documents/*', (c) =>
      c.json({ path: decodeURIComponent(c.req.path.slice('/api/v1/kb/documents/'.length)), title: 'A B', content: '# A <b>', last_commit: null }),
    );
    const cookie = await signIn(app);
    const tree = await (await app.request('/partials/kb/tree?path=shared', { headers: { cookie } })).text();
    expect(tree).toContain('hx-get="/partials/kb/tree?path=shared%2Fguides"');
    expect(tree).toContain('<a href="/kb/doc/shared/a%20b.md" title="shared/a b.md">A B</a>');
    const doc = await app.request('/kb/doc/shared/a%20b.md', { headers: { cookie } });
    expect(doc.status).toBe(200);
    const html = await doc.text();
    expect(html).toContain('# A &lt;b&gt;</pre>');
    expect(html).not.toContain('kb-write-form');
  });
});
