import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticTeamDirectory } from './teams.ts';
import { createKbTestApp, type KbTestApp, kbUser } from '../testing/kb-app.ts';

/** Tries to reach other people's documents through every door: read, tree, search (with filters), context. */
describe('kb namespaces and roles', () => {
  let t: KbTestApp;
  const team = crypto.randomUUID();
  const alice = kbUser(['user']);
  const bob = kbUser(['user']);
  const carol = kbUser(['user']);
  const viewer = kbUser(['kb_viewer']);
  const editor = kbUser(['kb_editor']);
  const kbAdmin = kbUser(['kb_admin']);
  const secret = 'zanzibarquux';

  type Hits = { results: { path: string }[] };
  const search = async (who: typeof alice, query: string) => t.call(who, 'GET', `/api/v1/kb/search?q=${secret}${query}`);
  const paths = async (res: Response) => ((await res.json()) as Hits).results.map((r) => r.path);

  beforeAll(async () => {
    t = await createKbTestApp({ teams: staticTeamDirectory({ [carol.userId]: [team], [alice.userId]: [team] }) });
    const put = async (who: typeof alice, path: string, content: string) => {
      const res = await t.call(who, 'PUT', `/api/v1/kb/documents/${path}`, { content });
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    };
    await put(alice, `users/${alice.userId}/diary.md`, `# Diary\n\nMy ${secret} plans.\n`);
    await put(alice, `teams/${team}/plan.md`, `# Team plan\n\nThe ${secret} launch.\n`);
    await put(editor, 'shared/handbook.md', `# Handbook\n\nEveryone knows ${secret} basics.\n`);
    const { repo } = t.deps.kb.runtime();
    await repo.commit({
      ops: [{ kind: 'write', path: 'README.md', content: new TextEncoder().encode(`# Root\n\n${secret} at the root.\n`) }],
      message: 'root file, as a clone would have',
      author: { name: 'git', email: 'git@example.com' },
    });
    await t.deps.kb.refreshIndex();
  });
  afterAll(() => t.close());

  it('search shows each caller exactly what they may read', async () => {
    expect((await paths(await search(alice, ''))).sort()).toEqual([`teams/${team}/plan.md`, 'shared/handbook.md', `users/${alice.userId}/diary.md`].sort());
    expect(await paths(await search(bob, ''))).toEqual(['shared/handbook.md']);
    expect((await paths(await search(carol, ''))).sort()).toEqual([`teams/${team}/plan.md`, 'shared/handbook.md'].sort());
    expect(await paths(await search(kbAdmin, '&limit=50'))).toHaveLength(4);
  });

  it('filters cannot widen the scope: namespace → 403, path prefix and tags → nothing foreign', async () => {
    expect((await search(bob, `&namespace=users/${alice.userId}`)).status).toBe(403);
    expect((await search(bob, `&namespace=teams/${team}`)).status).toBe(403);
    expect(await paths(await search(bob, `&path=users/${alice.userId}`))).toEqual([]);
    expect(await paths(await search(bob, '&path=users'))).toEqual([]);
    expect(await paths(await search(bob, `&path=teams/${team}`))).toEqual([]);
    expect((await search(bob, '&namespace=projects')).status).toBe(400);
    const or = await t.call(bob, 'GET', `/api/v1/kb/search?q=${secret}%20OR%20diary%20OR%20plan&limit=50`);
    expect(await paths(or)).toEqual(['shared/handbook.md']);
  });

  it('direct reads, listings and context outside the namespaces are 403, whether or not the document exists', async () => {
    for (const path of [`users/${alice.userId}/diary.md`, `users/${alice.userId}/missing.md`, `teams/${team}/plan.md`, 'README.md']) {
      expect((await t.call(bob, 'GET', `/api/v1/kb/documents/${path}`)).status, path).toBe(403);
      expect((await t.call(bob, 'POST', '/api/v1/kb/context', { path })).status, path).toBe(403);
    }
    expect((await t.call(bob, 'GET', `/api/v1/kb/tree?path=users/${alice.userId}`)).status).toBe(403);
    const context = (await (await t.call(bob, 'POST', '/api/v1/kb/context', { query: secret })).json()) as { passages: { path: string }[] };
    expect(context.passages.map((p) => p.path)).toEqual(['shared/handbook.md']);
  });

  it('tree shows only readable folders and the way to them', async () => {
    const names = async (who: typeof alice, path: string) =>
      ((await (await t.call(who, 'GET', `/api/v1/kb/tree?path=${path}`)).json()) as { entries: { name: string }[] }).entries.map((e) => e.name);
    // `users` leads to bob's own (still empty) folder; `teams` would lead nowhere, so it is hidden.
    expect(await names(bob, '')).toEqual(['shared', 'users']);
    expect(await names(bob, 'users')).toEqual([]);
    expect(await names(alice, '')).toEqual(['shared', 'teams', 'users']);
    expect(await names(alice, 'users')).toEqual([alice.userId]);
    expect(await names(kbAdmin, '')).toEqual(['shared', 'teams', 'users', 'README.md']);
  });

  it('writes: own folder and member teams for users; shared for editors; nothing for viewers', async () => {
    const put = (who: typeof alice, path: string) => t.call(who, 'PUT', `/api/v1/kb/documents/${path}`, { content: '# x\n' });
    expect((await put(bob, `users/${bob.userId}/mine.md`)).status).toBe(201);
    expect((await put(bob, `users/${alice.userId}/graffiti.md`)).status).toBe(403);
    expect((await put(bob, `teams/${team}/graffiti.md`)).status).toBe(403);
    expect((await put(carol, `teams/${team}/notes.md`)).status).toBe(201);
    expect((await put(bob, 'shared/graffiti.md')).status).toBe(403);
    expect((await put(editor, 'shared/new.md')).status).toBe(201);
    expect((await put(viewer, `users/${viewer.userId}/mine.md`)).status).toBe(403);
    expect((await t.call(viewer, 'GET', '/api/v1/kb/documents/shared/handbook.md')).status).toBe(200);
    expect((await put(kbAdmin, `users/${alice.userId}/from-admin.md`)).status).toBe(201);
    const move = await t.call(bob, 'POST', '/api/v1/kb/move', { from: `users/${bob.userId}/mine.md`, to: 'shared/stolen.md' });
    expect(move.status).toBe(403);
    expect((await t.call(bob, 'DELETE', '/api/v1/kb/documents/shared/handbook.md')).status).toBe(403);
  });

  it('sync needs an editor; reindex needs kb_admin', async () => {
    expect((await t.call(bob, 'POST', '/api/v1/kb/sync', {})).status).toBe(403);
    expect((await t.call(editor, 'POST', '/api/v1/kb/sync', {})).status).toBe(200);
    expect((await t.call(editor, 'POST', '/api/v1/kb/reindex')).status).toBe(403);
    expect((await t.call(bob, 'GET', '/api/v1/kb/sync')).status).toBe(200);
  });
});
