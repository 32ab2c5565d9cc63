import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { createKbTestApp, type KbTestApp, kbUser } from '../../testing/kb-app.ts';

const doc = (title: string, body = 'Some text.') => `---\ntitle: ${title}\ntags: [guide, setup]\n---\n# ${title}\n\n${body}\n`;
type Written = { path: string; sha: string; commit: string };
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

describe.each(dbBackends())('kb documents on $name', (backend) => {
  let t: KbTestApp;
  const ada = kbUser(['user']);
  const editor = kbUser(['kb_editor']);
  const own = (name: string) => `/api/v1/kb/documents/users/${ada.userId}/${name}`;

  beforeAll(async () => {
    t = await createKbTestApp({ db: await backend.create() });
  });
  afterAll(async () => {
    const db = t.runtime.db;
    await t.close();
    await db.close();
  });

  it('creates (201), reads with front matter, sha, ETag and last commit authored by the caller, updates (200)', async () => {
    const created = await t.call(ada, 'PUT', own('notes/setup.md'), { content: doc('Setup'), message: 'Add setup notes' });
    expect(created.status).toBe(201);
    const written = (await created.json()) as Written;
    expect(written).toMatchObject({ path: `users/${ada.userId}/notes/setup.md`, sha: expect.stringMatching(/^[0-9a-f]{40}$/) });

    const read = await t.call(ada, 'GET', own('notes/setup.md'));
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(`"${written.sha}"`);
    const body = (await read.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      title: 'Setup',
      tags: ['guide', 'setup'],
      namespace: `users/${ada.userId}`,
      sha: written.sha,
      content: doc('Setup'),
      last_commit: { sha: written.commit, message: 'Add setup notes', author: { email: ada.email } },
    });

    const updated = await t.call(ada, 'PUT', own('notes/setup.md'), { content: doc('Setup', 'More.') });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as Written).sha).not.toBe(written.sha);
  });

  it('honours If-Match: the current sha writes, a stale one is 412 and changes nothing', async () => {
    const first = (await (await t.call(ada, 'PUT', own('cas.md'), { content: doc('v1') })).json()) as Written;
    const second = await t.call(ada, 'PUT', own('cas.md'), { content: doc('v2') }, { 'if-match': `"${first.sha}"` });
    expect(second.status).toBe(200);
    const stale = await t.call(ada, 'PUT', own('cas.md'), { content: doc('v3') }, { 'if-match': first.sha });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as ErrorBody).error.code).toBe('PRECONDITION_FAILED');
    expect(((await (await t.call(ada, 'GET', own('cas.md'))).json()) as { title: string }).title).toBe('v2');
    const staleDelete = await t.call(ada, 'DELETE', own('cas.md'), undefined, { 'if-match': first.sha });
    expect(staleDelete.status).toBe(412);
  });

  it('lands every one of 20 concurrent writes as its own commit', async () => {
    const before = (await t.deps.kb.runtime().repo.head())!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.call(ada, 'PUT', own(`burst/n${i}.md`), { content: doc(`Burst ${i}`) })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const { repo } = t.deps.kb.runtime();
    const changed = await repo.changedFiles(before, (await repo.head())!);
    expect(changed.filter((c) => c.path.includes('/burst/'))).toHaveLength(20);
    const commits = new Set(await Promise.all(results.map(async (r) => ((await r.json()) as Written).commit)));
    expect(commits.size).toBe(20);
  });

  it('moves and deletes as single commits; a move onto an existing document is 409', async () => {
    await t.call(ada, 'PUT', own('a.md'), { content: doc('A') });
    await t.call(ada, 'PUT', own('b.md'), { content: doc('B') });
    const clash = await t.call(ada, 'POST', '/api/v1/kb/move', { from: `users/${ada.userId}/a.md`, to: `users/${ada.userId}/b.md` });
    expect(clash.status).toBe(409);
    const moved = await t.call(ada, 'POST', '/api/v1/kb/move', { from: `users/${ada.userId}/a.md`, to: `users/${ada.userId}/c.md` });
    expect(moved.status).toBe(200);
    expect((await t.call(ada, 'GET', own('a.md'))).status).toBe(404);
    expect(((await (await t.call(ada, 'GET', own('c.md'))).json()) as { title: string }).title).toBe('A');
    const deleted = await t.call(ada, 'DELETE', own('c.md'));
    expect(deleted.status).toBe(200);
    expect((await t.call(ada, 'GET', own('c.md'))).status).toBe(404);
    expect((await t.call(ada, 'DELETE', own('c.md'))).status).toBe(404);
  });

  it('refuses bad paths with KB_INVALID_PATH and writes nothing', async () => {
    const head = await t.deps.kb.runtime().repo.head();
    const attempts = [
      `users/${ada.userId}/../../shared/x.md`,
      `users/${ada.userId}/%2e%2e/%2e%2e/shared/x.md`,
      `users/${ada.userId}/.git/config.md`,
      `users/${ada.userId}/.GIT/hooks.md`,
      `users/${ada.userId}/script.sh`,
      `users/${ada.userId}//double.md`,
    ];
    for (const path of attempts) {
      const res = await t.call(ada, 'PUT', `/api/v1/kb/documents/${path}`, { content: 'x' });
      // URL parsing may resolve `..` before routing: then the caller lands outside its namespace (403).
      expect([400, 403, 404], path).toContain(res.status);
      if (res.status === 400) expect(((await res.json()) as ErrorBody).error.code, path).toBe('KB_INVALID_PATH');
    }
    const absolute = await t.call(ada, 'POST', '/api/v1/kb/move', { from: `users/${ada.userId}/b.md`, to: '/etc/passwd.md' });
    expect(((await absolute.json()) as ErrorBody).error.code).toBe('KB_INVALID_PATH');
    expect(await t.deps.kb.runtime().repo.head()).toBe(head);
  });

  it('refuses oversize (413), binary (415), bad front matter (400) and unknown namespaces (400)', async () => {
    const code = async (res: Response) => [res.status, ((await res.json()) as ErrorBody).error.code];
    expect(await code(await t.call(ada, 'PUT', own('big.md'), { content: 'x'.repeat(70 * 1024) }))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await code(await t.call(ada, 'PUT', own('bin.md'), { content: 'PNG\u0001\u0002' }))).toEqual([415, 'KB_BINARY_CONTENT']);
    // NUL is refused for every route by the shared body reading, before the document is looked at.
    expect(await code(await t.call(ada, 'PUT', own('nul.md'), { content: 'PNG\u0000' }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(await t.call(ada, 'PUT', own('fm.md'), { content: '---\ntitle: [unclosed\n---\nbody' }))).toEqual([
      400,
      'KB_INVALID_FRONT_MATTER',
    ]);
    expect(await code(await t.call(editor, 'PUT', '/api/v1/kb/documents/projects/x.md', { content: 'x' }))).toEqual([400, 'KB_UNKNOWN_NAMESPACE']);
    expect(await code(await t.call(ada, 'PUT', own('no-content.md'), { message: 'x' }))).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('lists a folder with titles, folders first', async () => {
    await t.call(ada, 'PUT', own('tree/zeta.md'), { content: doc('Zeta doc') });
    await t.call(ada, 'PUT', own('tree/sub/alpha.md'), { content: doc('Alpha doc') });
    const res = await t.call(ada, 'GET', `/api/v1/kb/tree?path=users/${ada.userId}/tree`);
    expect(res.status).toBe(200);
    const tree = (await res.json()) as { entries: { name: string; type: string; title: string | null }[] };
    expect(tree.entries).toEqual([
      expect.objectContaining({ name: 'sub', type: 'dir', title: null }),
      expect.objectContaining({ name: 'zeta.md', type: 'file', title: 'Zeta doc' }),
    ]);
    expect((await t.call(ada, 'GET', `/api/v1/kb/tree?path=users/${ada.userId}/nope`)).status).toBe(404);
    expect((await t.call(ada, 'GET', '/api/v1/kb/tree?path=../etc')).status).toBe(400);
  });
});
