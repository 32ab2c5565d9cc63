import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDb } from '../../../../lib/db/pglite.ts';
import type { Db } from '../../../../lib/db/types.ts';
import { cloneWithCli, type GitServer, gitCli, startGitServer } from '../../testing/git-server.ts';
import { createKbTestApp, type KbTestApp, kbUser } from '../../testing/kb-app.ts';

const editor = kbUser(['kb_editor']);
const secret = 'webhook-secret-0123456789';
type ErrorBody = { error: { code: string; message: string; details?: { status?: { conflict?: { paths: string[] } } } } };

let server: GitServer;
let work: string;
let repos = 0;

beforeAll(async () => {
  server = await startGitServer();
  work = await mkdtemp(join(tmpdir(), 'kb-sync-routes-'));
});
afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

/** A remote seeded with a guide, the kb app cloned from it, and a CLI clone playing a teammate. */
async function setup(extra: Record<string, string> = {}) {
  const name = `handbook${++repos}`;
  await server.createRepo(name, { 'shared/guide.md': '# Guide\n\nInstall the flux capacitor.\n', ...extra });
  const t = await createKbTestApp({ settings: { remote: { url: server.url(name) }, webhookSecret: secret } });
  const cli = join(work, `${name}-cli`);
  await cloneWithCli(server.url(name), cli);
  const pushFromCli = async (path: string, content: string) => {
    await writeFile(join(cli, path), content);
    await gitCli(cli, 'add', path);
    await gitCli(cli, 'commit', '-m', `cli: ${path}`);
    await gitCli(cli, 'push', 'origin', 'main');
  };
  return { name, t, cli, pushFromCli };
}

const search = async (t: KbTestApp, q: string) =>
  ((await (await t.call(editor, 'GET', `/api/v1/kb/search?q=${encodeURIComponent(q)}`)).json()) as { results: { path: string }[] }).results.map(
    (r) => r.path,
  );

async function githubSignature(body: string, key: string): Promise<string> {
  const hmac = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmac, new TextEncoder().encode(body)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

describe('kb sync with a real git http-backend', () => {
  it('clones at start; a commit pushed with the git CLI shows up after sync, in reads and in search', async () => {
    const { t, pushFromCli } = await setup();
    expect(await search(t, 'flux capacitor')).toEqual(['shared/guide.md']);
    await pushFromCli('shared/new.md', '# New\n\nThe hoverboard manual.\n');
    const res = await t.call(editor, 'POST', '/api/v1/kb/sync', {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { pull: string; index: { indexed: number }; status: { behind: number; ahead: number } };
    expect(body).toMatchObject({ pull: 'fast-forward', index: { indexed: 1 }, status: { behind: 0, ahead: 0 } });
    expect(await search(t, 'hoverboard')).toEqual(['shared/new.md']);
    await t.close();
  });

  it('pushes platform edits: a fresh git clone sees them, authored by the user', async () => {
    const { name, t } = await setup();
    const put = await t.call(editor, 'PUT', '/api/v1/kb/documents/shared/platform.md', { content: '# From the platform\n', message: 'Platform edit' });
    expect(put.status).toBe(201);
    const status = (await (await t.call(editor, 'GET', '/api/v1/kb/sync')).json()) as { ahead: number };
    expect(status.ahead).toBe(1);
    expect(((await (await t.call(editor, 'POST', '/api/v1/kb/sync', {})).json()) as { pushed: number }).pushed).toBe(1);
    const fresh = join(work, `${name}-fresh`);
    await cloneWithCli(server.url(name), fresh);
    expect(await readFile(join(fresh, 'shared/platform.md'), 'utf8')).toBe('# From the platform\n');
    expect((await gitCli(fresh, 'log', '-1', '--format=%ae %s')).trim()).toBe(`${editor.email} Platform edit`);
    await t.close();
  });

  it('reports a conflict when both sides edited the same file, and loses neither side', async () => {
    const { name, t, pushFromCli } = await setup();
    await pushFromCli('shared/guide.md', '# Guide\n\nTheirs.\n');
    await t.call(editor, 'PUT', '/api/v1/kb/documents/shared/guide.md', { content: '# Guide\n\nOurs.\n' });
    const res = await t.call(editor, 'POST', '/api/v1/kb/sync', {});
    expect(res.status).toBe(409);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('KB_SYNC_CONFLICT');
    expect(body.error.details?.status?.conflict?.paths).toEqual(['shared/guide.md']);
    const status = (await (await t.call(editor, 'GET', '/api/v1/kb/sync')).json()) as { conflict: { paths: string[] }; ahead: number; behind: number };
    expect(status).toMatchObject({ conflict: { paths: ['shared/guide.md'] }, ahead: 1, behind: 1 });
    const ours = (await (await t.call(editor, 'GET', '/api/v1/kb/documents/shared/guide.md')).json()) as { content: string };
    expect(ours.content).toContain('Ours.');
    const fresh = join(work, `${name}-theirs`);
    await cloneWithCli(server.url(name), fresh);
    expect(await readFile(join(fresh, 'shared/guide.md'), 'utf8')).toContain('Theirs.');
    await t.close();
  });

  it('accepts a correctly signed webhook (then syncs) and refuses bad or missing signatures with 401', async () => {
    const { t, pushFromCli } = await setup();
    await pushFromCli('shared/hook.md', '# Hook\n\nThe webhook brought zeppelins.\n');
    const payload = JSON.stringify({ ref: 'refs/heads/main' });
    const hook = (headers: Record<string, string>) => t.app.request('/api/v1/kb/webhook', { method: 'POST', headers, body: payload });
    const bad = await hook({ 'x-hub-signature-256': await githubSignature(payload, 'not-the-secret-at-all') });
    expect(bad.status).toBe(401);
    expect((await hook({})).status).toBe(401);
    expect((await hook({ 'x-gitlab-token': 'wrong' })).status).toBe(401);
    const good = await hook({ 'x-hub-signature-256': await githubSignature(payload, secret), 'content-type': 'application/json' });
    expect(good.status).toBe(202);
    expect(await good.json()).toEqual({ accepted: true, provider: 'github' });
    for (let i = 0; i < 100 && (await search(t, 'zeppelins')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await search(t, 'zeppelins')).toEqual(['shared/hook.md']);
    const gitlab = await hook({ 'x-gitlab-token': secret });
    expect(gitlab.status).toBe(202);
    await t.close();
  });

  it('reuses the clone after a restart and re-indexes only what changed meanwhile', async () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`shared/doc${i}.md`, `# Doc ${i}\n\nText ${i}.\n`]));
    const { t, pushFromCli } = await setup(files);
    const dir = t.deps.settings.dir;
    const db: Db = await createPgliteDb();
    await t.close({ keepRepo: true });
    const first = await createKbTestApp({ db, settings: { dir, remote: { url: server.url(`handbook${repos}`) } } });
    const indexed = (app: KbTestApp) =>
      app.runtime.logger.entries().find((e) => e.msg === 'knowledge base indexed') as { indexed: number } | undefined;
    expect(indexed(first)?.indexed).toBe(31);
    await first.close({ keepRepo: true });

    await pushFromCli('shared/doc3.md', '# Doc 3\n\nRewritten by a teammate.\n');
    const second = await createKbTestApp({ db, settings: { dir, remote: { url: server.url(`handbook${repos}`) } } });
    const opened = second.runtime.logger.entries().find((e) => e.msg === 'kb repository opened') as { origin: string } | undefined;
    expect(opened?.origin).toBe('reused');
    expect(indexed(second)?.indexed).toBe(0);
    await second.call(editor, 'POST', '/api/v1/kb/sync', {});
    expect(await search(second, 'teammate')).toEqual(['shared/doc3.md']);
    await second.close();
    await db.close();
  });

  it('stays alive with an unreachable remote: /health 200, /ready 503, documents 503 KB_NOT_READY with Retry-After', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const t = await createKbTestApp({
      started: false,
      settings: { remote: { url: `http://127.0.0.1:${port}/nowhere.git`, username: 'bot', password: 'hunter2-password' } },
    });
    expect((await t.app.request('/health')).status).toBe(200);
    for (let i = 0; i < 100 && !JSON.stringify(await t.runtime.readiness.check()).includes('repository'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const ready = await t.app.request('/ready');
    expect(ready.status).toBe(503);
    const doc = await t.call(editor, 'GET', '/api/v1/kb/documents/shared/guide.md');
    expect(doc.status).toBe(503);
    expect(doc.headers.get('retry-after')).toBe('5');
    expect(((await doc.json()) as ErrorBody).error.code).toBe('KB_NOT_READY');
    const snapshot = JSON.stringify(await t.runtime.readiness.check());
    expect(snapshot).not.toContain('hunter2');
    expect(t.runtime.logger.lines.join('\n')).not.toContain('hunter2');
    await t.close();
  });
});
