import { describe, expect, it } from 'vitest';
import { encodeSseData } from '../../../../lib/sse/sse.ts';
import { formPost, ORIGIN, signIn, webTestApp } from '../../testing.ts';

const MINE = '0b7a3c1e-1111-4222-8333-444455556666';
const ASSET = '9c1d2e3f-aaaa-4bbb-8ccc-ddddeeeeffff';
const THEIRS = '5e6f7a8b-2222-4333-8444-555566667777';
/** The first bytes of a PNG. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function job(state: string, extra: Record<string, unknown> = {}) {
  const done = state === 'succeeded';
  return {
    id: MINE,
    state,
    progress: done ? 100 : 40,
    progress_message: null,
    category: 'image',
    kind: 'image',
    style: 'ink',
    description: 'a <b>koi</b> pond',
    provider: 'local',
    estimated_cost: 0,
    cost: done ? 0 : null,
    source: done ? 'generated' : null,
    asset_id: done ? ASSET : null,
    asset: done
      ? {
          id: ASSET,
          kind: 'image',
          file_format: 'png',
          content_type: 'image/png',
          size_bytes: PNG.length,
          preview_url: `/api/v1/assets/${ASSET}/preview`,
          files: [{ name: 'image.png', content_type: 'image/png', size_bytes: PNG.length }],
        }
      : null,
    error: null,
    created_at: '2026-12-04T10:00:00.000Z',
    ...extra,
  };
}

const notFound = { error: { code: 'NOT_FOUND', message: 'No such asset', requestId: 'r' } };

/** The web app over a fake gateway speaking the asset service's native API for one job of the user's. */
function assetsApp() {
  const t = webTestApp();
  const posted: unknown[] = [];
  t.gateway.get('/api/v1/assets/budget', (c) => {
    const period = { limit: 5, spent: 1.25, reserved: 0, remaining: 3.75, resets_at: '2026-12-05T00:00:00.000Z' };
    return c.json({ daily: period, monthly: { ...period, limit: 50, remaining: 48.75 } });
  });
  t.gateway.get('/api/v1/assets/jobs', (c) => c.json({ jobs: [job('succeeded'), job('running', { id: THEIRS.replace('5e', '6e') })], next_cursor: 'WyJ4IiwieSJd' }));
  t.gateway.post('/api/v1/assets/jobs', async (c) => {
    posted.push(await c.req.json());
    return c.json(job('queued'), 202);
  });
  t.gateway.get('/api/v1/assets/jobs/:id', (c) => (c.req.param('id') === MINE ? c.json(job('cancelled')) : c.json(notFound, 404)));
  t.gateway.post('/api/v1/assets/jobs/:id/cancel', (c) => (c.req.param('id') === MINE ? c.json(job('cancelled')) : c.json(notFound, 404)));
  t.gateway.delete('/api/v1/assets/:id', (c) => (c.req.param('id') === ASSET ? c.body(null, 204) : c.json(notFound, 404)));
  t.gateway.get('/api/v1/assets/:id/preview', (c) =>
    c.req.param('id') === ASSET ? c.body(PNG, 200, { 'content-type': 'image/png', 'content-disposition': 'inline; filename="preview.png"' }) : c.json(notFound, 404),
  );
  t.gateway.get('/api/v1/assets/:id/download', (c) =>
    c.req.param('id') === ASSET
      ? c.body(PNG, 200, {
          'content-type': 'image/png',
          'content-length': String(PNG.length),
          'content-disposition': `${c.req.query('disposition') === 'inline' ? 'inline' : 'attachment'}; filename="image.png"`,
        })
      : c.json(notFound, 404),
  );
  return { ...t, posted };
}

const htmx = (cookie: string) => ({ cookie, 'hx-request': 'true' });

describe('assets routes', () => {
  it('sends a signed-out browser to the sign-in page from every asset page, and scripts get a 401', async () => {
    const { app, calls } = assetsApp();
    for (const path of ['/assets', `/assets/${ASSET}/download`, `/assets/${ASSET}/preview`, `/partials/assets/jobs/${MINE}`]) {
      const res = await app.request(path);
      expect([path, res.status, res.headers.get('location')]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
    }
    const post = await app.request('/assets/jobs', formPost({ category: 'image', description: 'x' }));
    expect([post.status, post.headers.get('location')]).toEqual([303, '/login']);
    expect((await app.request(`/assets/jobs/${MINE}/events`)).status).toBe(401);
    expect(calls.filter((c) => c.includes('/assets'))).toEqual([]);
  });

  it('refuses cross-site form posts (the app-wide CSRF check)', async () => {
    const { app, calls } = assetsApp();
    const cookie = await signIn(app);
    for (const path of ['/assets/jobs', `/assets/jobs/${MINE}/cancel`, `/assets/${ASSET}/delete`]) {
      const res = await app.request(path, formPost({ category: 'image', description: 'x' }, { cookie, origin: 'https://evil.example' }));
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(calls.filter((c) => c.includes('/assets'))).toEqual([]);
  });

  it('shows the gallery: budget, thumbnails through the web app, progress for running jobs, the older page', async () => {
    const { app } = assetsApp();
    const cookie = await signIn(app);
    const res = await app.request('/assets', { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<a href="/assets" aria-current="page">Assets</a>');
    expect(html).toContain('Budget left: $3.75 of $5.00 today · $48.75 of $50.00');
    expect(html).toContain(`<img src="/assets/${ASSET}/preview" alt="Preview of a &lt;b&gt;koi&lt;/b&gt; pond"`);
    expect(html).toContain(`href="/assets/${ASSET}/download"`);
    expect(html).toContain(`action="/assets/${ASSET}/delete"`);
    expect(html).toContain('data-events="/assets/jobs/6e6f7a8b-2222-4333-8444-555566667777/events"');
    expect(html).toMatch(/<progress max="100" value="40" aria-label="Progress of [^"]+"><\/progress>/);
    expect(html).toContain('role="status" aria-live="polite">Running: 40%');
    expect(html).toContain('href="/assets?cursor=WyJ4IiwieSJd" rel="next"');
    expect(html).toContain('<option value="environment">3D environment</option>');
    expect(html).toContain(`<script src="/static/assets.js?v=`);
  });

  it('creates a job: htmx gets a fresh form and the card for the gallery; a plain post is redirected back', async () => {
    const { app, posted } = assetsApp();
    const cookie = await signIn(app);
    const fields = { category: 'texture', style: ' moss ', description: ' a mossy stone ', reuse: 'on' };
    const fragment = await app.request('/assets/jobs', formPost(fields, htmx(cookie)));
    expect(fragment.status).toBe(200);
    const html = await fragment.text();
    expect(html).toContain('<form class="card" id="asset-form"');
    expect(html).toContain(`<div hx-swap-oob="afterbegin:#asset-jobs"><article class="asset-card" id="job-${MINE}" data-state="queued"`);
    const plain = await app.request('/assets/jobs', formPost({ category: 'audio', style: '', description: 'rain' }, { cookie }));
    expect([plain.status, plain.headers.get('location')]).toEqual([303, '/assets']);
    expect(posted).toEqual([
      { category: 'texture', style: 'moss', description: 'a mossy stone', preferences: { allow_database: true } },
      { category: 'audio', style: '', description: 'rain', preferences: { allow_database: false } },
    ]);
  });

  it('keeps the draft and shows the problem for bad input, without asking the gateway', async () => {
    const { app, calls } = assetsApp();
    const cookie = await signIn(app);
    const empty = await app.request('/assets/jobs', formPost({ category: 'image', style: 'ink <i>', description: '   ' }, { cookie }));
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toContain('<p class="error" role="alert">Please describe the asset</p>');
    expect(html).toContain('value="ink &lt;i&gt;"');
    const category = await app.request('/assets/jobs', formPost({ category: 'spaceship', description: 'x' }, htmx(cookie)));
    expect([category.status, await category.text()]).toEqual([200, expect.stringContaining('Please choose a category')]);
    expect(calls.filter((c) => c.startsWith('POST /api/v1/assets'))).toEqual([]);
  });

  it('shows the platform’s refusal (budget) and a friendly message when the asset service fails', async () => {
    const { app, gateway } = webTestApp();
    let fail = 402;
    gateway.post('/api/v1/assets/jobs', (c) =>
      fail === 402
        ? c.json({ error: { code: 'BUDGET_EXCEEDED', message: 'This request would exceed your daily asset budget', requestId: 'r' } }, 402)
        : c.text('upstream exploded', 503),
    );
    gateway.get('/api/v1/assets/*', (c) => c.text('down', 503));
    const cookie = await signIn(app);
    const refused = await app.request('/assets/jobs', formPost({ category: 'image', description: 'gold' }, { cookie }));
    expect(refused.status).toBe(402);
    expect(await refused.text()).toContain('This request would exceed your daily asset budget');
    fail = 503;
    const broken = await app.request('/assets/jobs', formPost({ category: 'image', description: 'gold' }, htmx(cookie)));
    expect([broken.status, await broken.text()]).toEqual([200, expect.stringContaining('The platform could not answer (status 503)')]);
    const page = await app.request('/assets', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<p class="error" role="alert">The platform could not answer (status 503). Please try again.</p>');
    // A file the platform cannot give now: a page saying so (502, as the other pages answer an outage), never the raw error.
    const file = await app.request(`/assets/${ASSET}/preview`, { headers: { cookie } });
    expect([file.status, file.headers.get('content-type')]).toEqual([502, 'text/html; charset=UTF-8']);
    expect(await file.text()).toContain('The platform could not answer (status 503). Please try again.');
  });

  it('proxies the preview and the download with their bytes, content type and disposition', async () => {
    const { app, calls } = assetsApp();
    const cookie = await signIn(app);
    const preview = await app.request(`/assets/${ASSET}/preview`, { headers: { cookie } });
    expect([preview.status, preview.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(new Uint8Array(await preview.arrayBuffer())).toEqual(PNG);
    const download = await app.request(`/assets/${ASSET}/download`, { headers: { cookie } });
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="image.png"');
    expect(download.headers.get('content-length')).toBe(String(PNG.length));
    expect(download.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG);
    const inline = await app.request(`/assets/${ASSET}/download?disposition=inline`, { headers: { cookie } });
    expect(inline.headers.get('content-disposition')).toBe('inline; filename="image.png"');
    expect(calls).toContain(`GET /api/v1/assets/${ASSET}/download`);
  });

  it('answers a 404 page for a malformed id or another user’s asset or job, without a 5xx', async () => {
    const { app, calls } = assetsApp();
    const cookie = await signIn(app);
    for (const path of [`/assets/${THEIRS}/download`, `/assets/${THEIRS}/preview`, '/assets/..%2F..%2Fetc/download', '/assets/not-an-id/preview', `/assets/${ASSET}/download?file=../x`]) {
      const res = await app.request(path, { headers: { cookie } });
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 404, 'text/html; charset=UTF-8']);
      expect(await res.text()).toContain('This asset does not exist (or is not yours).');
    }
    expect((await app.request(`/assets/${THEIRS}/delete`, formPost({}, { cookie }))).status).toBe(404);
    expect((await app.request(`/assets/jobs/${THEIRS}/cancel`, formPost({}, { cookie }))).status).toBe(404);
    expect((await app.request('/assets/jobs/nope/cancel', formPost({}, { cookie }))).status).toBe(404);
    expect((await app.request(`/assets/jobs/${THEIRS}/events`, { headers: { cookie } })).status).toBe(404);
    expect((await app.request('/partials/assets/jobs/nope', { headers: { cookie } })).status).toBe(404);
    expect(calls.some((c) => c.includes('not-an-id') || c.includes('etc') || c.includes('nope'))).toBe(false);
  });

  it('cancels a job (htmx gets its card as it now is) and deletes an asset (the card goes)', async () => {
    const { app, calls } = assetsApp();
    const cookie = await signIn(app);
    const cancelled = await app.request(`/assets/jobs/${MINE}/cancel`, formPost({}, htmx(cookie)));
    const card = await cancelled.text();
    expect(card).toContain('data-state="cancelled"');
    expect(card).not.toContain('data-events');
    const plain = await app.request(`/assets/jobs/${MINE}/cancel`, formPost({}, { cookie }));
    expect([plain.status, plain.headers.get('location')]).toEqual([303, '/assets']);
    const deleted = await app.request(`/assets/${ASSET}/delete`, formPost({}, htmx(cookie)));
    expect([deleted.status, await deleted.text()]).toEqual([200, '']);
    expect(calls.filter((c) => c.startsWith('DELETE'))).toEqual([`DELETE /api/v1/assets/${ASSET}`]);
  });

  it('relays the job’s events as page events until the job ends', async () => {
    const { app, gateway } = webTestApp();
    gateway.get('/api/v1/assets/jobs/:id/events', () => {
      const events = [
        { type: 'state', job: job('queued', { progress: 0 }) },
        { type: 'progress', job: job('running', { progress: 50, progress_message: 'drawing' }) },
        { type: 'result', job: job('succeeded') },
      ];
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const event of events) controller.enqueue(encodeSseData(event));
          controller.enqueue(encodeSseData({ type: 'heartbeat', job: job('succeeded') }));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const cookie = await signIn(app);
    const res = await app.request(`/assets/jobs/${MINE}/events`, { headers: { cookie, origin: ORIGIN } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const blocks = (await res.text()).split('\n\n').filter(Boolean);
    expect(blocks).toEqual([
      'event: state\ndata: {"state":"queued","progress":0,"text":"Queued"}',
      'event: progress\ndata: {"state":"running","progress":50,"text":"Running: 50% · drawing"}',
      'event: result\ndata: {"state":"succeeded","progress":100,"text":"Done"}',
    ]);
  });
});
