import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitError } from './errors.ts';
import { openKbRepo } from './repo.ts';
import type { CommitAuthor } from './types.ts';

const author: CommitAuthor = { name: 'Ada', email: 'ada@example.test' };
const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kb-repo-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const open = (dir = join(tmp, 'kb')) => openKbRepo({ fs, dir });
const commitCount = async (dir: string) => (await git.log({ fs, dir, ref: 'main' })).length;

describe('openKbRepo (local)', () => {
  it('starts as a valid empty repository', async () => {
    const repo = await open();
    expect(repo.origin).toBe('initialized');
    expect(await repo.head()).toBeUndefined();
    expect(await repo.listFiles()).toEqual([]);
    expect(await repo.listDir('')).toEqual([]);
    expect(await repo.readFile('a.md')).toBeUndefined();
    expect(await repo.lastCommit('a.md')).toBeUndefined();
  });

  it('commits write, delete and move, one commit each, in the working tree too', async () => {
    const repo = await open();
    const first = await repo.commit({
      ops: [
        { kind: 'write', path: 'guide/intro.md', content: text('# Intro') },
        { kind: 'write', path: 'README.md', content: text('readme') },
      ],
      message: 'Add intro',
      author,
    });
    expect(first.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(first.oids).sort()).toEqual(['README.md', 'guide/intro.md']);
    expect((await repo.readFile('guide/intro.md'))?.oid).toBe(first.oids['guide/intro.md']);
    expect(await commitCount(repo.dir)).toBe(1);

    await repo.commit({ ops: [{ kind: 'delete', path: 'README.md' }], message: 'Drop readme', author });
    expect(await commitCount(repo.dir)).toBe(2);
    expect(fs.existsSync(join(repo.dir, 'README.md'))).toBe(false);

    const moved = await repo.commit({
      ops: [{ kind: 'move', from: 'guide/intro.md', to: 'docs/intro.md' }],
      message: 'Move intro',
      author,
    });
    expect(await commitCount(repo.dir)).toBe(3);
    expect(moved.oids['docs/intro.md']).toBe(first.oids['guide/intro.md']);
    expect(await repo.listFiles()).toEqual([{ path: 'docs/intro.md', oid: first.oids['guide/intro.md'] }]);
    expect(fs.readFileSync(join(repo.dir, 'docs/intro.md'), 'utf8')).toBe('# Intro');
    expect(fs.existsSync(join(repo.dir, 'guide'))).toBe(false);
    const matrix = await git.statusMatrix({ fs, dir: repo.dir });
    expect(matrix.every(([, h, w, s]) => h === 1 && w === 1 && s === 1)).toBe(true);
  });

  it('reads at head and at an older ref', async () => {
    const repo = await open();
    const v1 = await repo.commit({ ops: [{ kind: 'write', path: 'a.md', content: text('one') }], message: 'v1', author });
    const v2 = await repo.commit({ ops: [{ kind: 'write', path: 'a.md', content: text('two') }], message: 'v2', author });
    expect(await repo.head()).toBe(v2.sha);
    expect(decode((await repo.readFile('a.md'))?.content)).toBe('two');
    expect(decode((await repo.readFile('a.md', v1.sha))?.content)).toBe('one');
    expect((await repo.readFile('a.md', v1.sha))?.oid).toBe(v1.oids['a.md']);
    expect(await repo.listFiles(v1.sha)).toEqual([{ path: 'a.md', oid: v1.oids['a.md'] }]);
    expect(await repo.readFile('missing.md')).toBeUndefined();
  });

  it('lists a directory level with dirs first, then files, by name', async () => {
    const repo = await open();
    await repo.commit({
      ops: ['z.md', 'b.md', 'sub/x.md', 'a-dir/y.md', 'sub/deeper/z.md'].map((path) => ({
        kind: 'write' as const,
        path,
        content: text(path),
      })),
      message: 'Many',
      author,
    });
    const root = await repo.listDir('');
    expect(root?.map((e) => [e.path, e.type])).toEqual([
      ['a-dir', 'dir'],
      ['sub', 'dir'],
      ['b.md', 'file'],
      ['z.md', 'file'],
    ]);
    expect((await repo.listDir('sub'))?.map((e) => e.path)).toEqual(['sub/deeper', 'sub/x.md']);
    expect(await repo.listDir('b.md')).toBeUndefined();
    expect(await repo.listDir('nope')).toBeUndefined();
    expect((await repo.listFiles()).map((f) => f.path).sort()).toEqual(
      ['a-dir/y.md', 'b.md', 'sub/deeper/z.md', 'sub/x.md', 'z.md'].sort(),
    );
  });

  it('reports changed files between two commits', async () => {
    const repo = await open();
    const base = await repo.commit({
      ops: [
        { kind: 'write', path: 'keep.md', content: text('keep') },
        { kind: 'write', path: 'edit.md', content: text('v1') },
        { kind: 'write', path: 'gone/old.md', content: text('old') },
        { kind: 'write', path: 'same/deep.md', content: text('same') },
      ],
      message: 'base',
      author,
    });
    const next = await repo.commit({
      ops: [
        { kind: 'write', path: 'edit.md', content: text('v2') },
        { kind: 'delete', path: 'gone/old.md' },
        { kind: 'write', path: 'new/file.md', content: text('new') },
      ],
      message: 'next',
      author,
    });
    const changes = await repo.changedFiles(base.sha, next.sha);
    expect(changes.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'edit.md', kind: 'modified', oid: next.oids['edit.md'] },
      { path: 'gone/old.md', kind: 'deleted' },
      { path: 'new/file.md', kind: 'added', oid: next.oids['new/file.md'] },
    ]);
    expect((await repo.changedFiles(undefined, base.sha)).map((c) => c.kind)).toEqual(['added', 'added', 'added', 'added']);
    expect(await repo.changedFiles(next.sha, next.sha)).toEqual([]);
  });

  it('finds the last commit that touched a path', async () => {
    const repo = await open();
    const a = await repo.commit({ ops: [{ kind: 'write', path: 'a.md', content: text('a') }], message: 'add a', author });
    await repo.commit({ ops: [{ kind: 'write', path: 'b.md', content: text('b') }], message: 'add b', author });
    const last = await repo.lastCommit('a.md');
    expect(last).toMatchObject({ sha: a.sha, message: 'add a', author });
    const a2 = await repo.commit({ ops: [{ kind: 'write', path: 'a.md', content: text('a2') }], message: 'edit a', author });
    await repo.commit({ ops: [{ kind: 'write', path: 'c.md', content: text('c') }], message: 'add c', author });
    expect((await repo.lastCommit('a.md'))?.sha).toBe(a2.sha);
    const moved = await repo.commit({ ops: [{ kind: 'move', from: 'b.md', to: 'd/b.md' }], message: 'move b', author });
    expect((await repo.lastCommit('d/b.md'))?.sha).toBe(moved.sha);
    expect(Date.parse(last?.timestamp ?? '')).not.toBeNaN();
    expect(await repo.lastCommit('missing.md')).toBeUndefined();
  });

  it('checks ifMatch inside the lock and validates ops before touching anything', async () => {
    const repo = await open();
    const v1 = await repo.commit({ ops: [{ kind: 'write', path: 'a.md', content: text('one') }], message: 'v1', author });
    const edit = (oid: string, path = 'a.md') =>
      repo.commit({ ops: [{ kind: 'write', path, content: text('two') }], message: 'edit', author, ifMatch: { path, oid } });
    await expect(edit('0'.repeat(40))).rejects.toMatchObject({ kind: 'precondition' });
    await expect(edit(v1.oids['a.md'] as string, 'nope.md')).rejects.toMatchObject({ kind: 'not_found' });
    await expect(edit(v1.oids['a.md'] as string)).resolves.toMatchObject({ sha: expect.any(String) });

    const failed = repo.commit({
      ops: [
        { kind: 'write', path: 'b.md', content: text('b') },
        { kind: 'delete', path: 'missing.md' },
      ],
      message: 'bad',
      author,
    });
    await expect(failed).rejects.toBeInstanceOf(GitError);
    await expect(failed).rejects.toMatchObject({ kind: 'not_found' });
    await repo.commit({ ops: [{ kind: 'write', path: 'c.md', content: text('c') }], message: 'c', author });
    await expect(
      repo.commit({ ops: [{ kind: 'move', from: 'a.md', to: 'c.md' }], message: 'clash', author }),
    ).rejects.toMatchObject({ kind: 'exists' });
    expect(fs.existsSync(join(repo.dir, 'b.md'))).toBe(false);
    expect((await repo.listFiles()).map((f) => f.path)).toEqual(['a.md', 'c.md']);
  });

  it('commits files a .gitignore would skip', async () => {
    const repo = await open();
    await repo.commit({ ops: [{ kind: 'write', path: '.gitignore', content: text('*.log\n') }], message: 'ignore', author });
    const { oids } = await repo.commit({ ops: [{ kind: 'write', path: 'notes.log', content: text('kept') }], message: 'log', author });
    expect((await repo.readFile('notes.log'))?.oid).toBe(oids['notes.log']);
  });

  it('serializes 20 concurrent commits without losing one', async () => {
    const repo = await open();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        repo.commit({ ops: [{ kind: 'write', path: `notes/n${i}.md`, content: text(`note ${i}`) }], message: `n${i}`, author }),
      ),
    );
    expect(await commitCount(repo.dir)).toBe(20);
    expect(await repo.listFiles()).toHaveLength(20);
  });

  it('reuses an existing repository and restores leftovers of an interrupted commit', async () => {
    const dir = join(tmp, 'kb');
    const first = await open(dir);
    const { sha } = await first.commit({ ops: [{ kind: 'write', path: 'a.md', content: text('a') }], message: 'a', author });
    fs.writeFileSync(join(dir, 'half.md'), 'half-written');
    await git.add({ fs, dir, filepath: 'half.md' });
    fs.writeFileSync(join(dir, 'a.md'), 'changed outside a commit');

    const again = await open(dir);
    expect(again.origin).toBe('reused');
    expect(await again.head()).toBe(sha);
    await again.commit({ ops: [{ kind: 'write', path: 'b.md', content: text('b') }], message: 'b', author });
    expect((await again.listFiles()).map((f) => f.path)).toEqual(['a.md', 'b.md']);
    expect(decode((await again.readFile('a.md'))?.content)).toBe('a');
  });
});
