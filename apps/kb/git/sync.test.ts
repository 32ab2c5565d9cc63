import fs from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { cloneWithCli, type GitServer, gitCli, startGitServer } from '../testing/git-server.ts';
import { GitError } from './errors.ts';
import { type OpenedKbRepo, openKbRepo, type RemoteConfig } from './repo.ts';
import { classifyGitError, createKbSync } from './sync.ts';
import type { CommitAuthor } from './types.ts';

const author: CommitAuthor = { name: 'Platform', email: 'kb@example.test' };
const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

let server: GitServer;
let tmp: string;
let repoCount = 0;

beforeAll(async () => {
  server = await startGitServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kb-sync-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A remote seeded with `files`, the platform's clone of it, its sync, and a CLI clone to play "someone else". */
async function setup(files: Record<string, string> = { 'shared.md': 'base\n', 'other.md': 'other\n' }) {
  const name = `kb${++repoCount}`;
  await server.createRepo(name, files);
  const logger = createMemoryLogger();
  const remote: RemoteConfig = { url: server.url(name) };
  const dir = join(tmp, 'platform');
  const repo = await openKbRepo({ fs, dir, remote, logger });
  const kbSync = createKbSync({ repo, fs, dir, branch: 'main', remote, logger, author });
  const cli = join(tmp, 'cli');
  await cloneWithCli(server.url(name), cli);
  const cliCommit = async (path: string, content: string, message: string) => {
    await writeFile(join(cli, path), content);
    await gitCli(cli, 'add', '-A');
    await gitCli(cli, 'commit', '--quiet', '-m', message);
    await gitCli(cli, 'push', '--quiet', 'origin', 'main');
    return (await gitCli(cli, 'rev-parse', 'HEAD')).trim();
  };
  return { name, repo, kbSync, cli, cliCommit, logger, dir };
}

async function expectCleanTree(repo: OpenedKbRepo) {
  const matrix = await git.statusMatrix({ fs, dir: repo.dir });
  expect(matrix.filter(([, h, w, s]) => !(h === 1 && w === 1 && s === 1)).map(([path]) => path)).toEqual([]);
}

async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/kb.git`;
}

describe('clone and sync against a real git http-backend', () => {
  it('clones the remote branch', async () => {
    const { repo, kbSync } = await setup();
    expect(repo.origin).toBe('cloned');
    expect(decode((await repo.readFile('shared.md'))?.content)).toBe('base\n');
    expect(await kbSync.status()).toMatchObject({ branch: 'main', ahead: 0, behind: 0, conflict: null, lastSyncAt: null });
  });

  it('fast-forwards to a commit pushed by the git CLI', async () => {
    const { repo, kbSync, cliCommit, cli } = await setup();
    const before = await repo.head();
    const pushed = await cliCommit('new.md', 'from cli\n', 'CLI adds a file');
    const result = await kbSync.sync();
    expect(result).toMatchObject({ before, after: pushed, pull: 'fast-forward', pushed: 0 });
    expect(result.status).toMatchObject({ head: pushed, ahead: 0, behind: 0, lastError: null, syncing: false });
    expect(result.status.lastSyncAt).not.toBeNull();
    expect(decode((await repo.readFile('new.md'))?.content)).toBe('from cli\n');
    expect(await readFile(join(repo.dir, 'new.md'), 'utf8')).toBe('from cli\n');
    await expectCleanTree(repo);
    expect((await kbSync.sync()).pull).toBe('none');

    await gitCli(cli, 'rm', '--quiet', 'other.md');
    await gitCli(cli, 'commit', '--quiet', '-m', 'CLI deletes a file');
    await gitCli(cli, 'push', '--quiet', 'origin', 'main');
    expect((await kbSync.sync()).pull).toBe('fast-forward');
    expect(fs.existsSync(join(repo.dir, 'other.md'))).toBe(false);
    expect(await repo.readFile('other.md')).toBeUndefined();
    await expectCleanTree(repo);
  });

  it('pushes platform commits, visible in a fresh CLI clone', async () => {
    const { name, repo, kbSync } = await setup();
    const { sha } = await repo.commit({ ops: [{ kind: 'write', path: 'p.md', content: text('platform\n') }], message: 'Platform edit', author });
    expect(await kbSync.status()).toMatchObject({ ahead: 1, behind: 0 });
    const result = await kbSync.sync();
    expect(result).toMatchObject({ pull: 'none', pushed: 1 });
    expect(result.status).toMatchObject({ ahead: 0, behind: 0 });
    const fresh = join(tmp, 'fresh');
    await cloneWithCli(server.url(name), fresh);
    expect((await gitCli(fresh, 'rev-parse', 'HEAD')).trim()).toBe(sha);
    expect(await readFile(join(fresh, 'p.md'), 'utf8')).toBe('platform\n');
  });

  it('reports a conflict without touching the local branch or losing the remote commit', async () => {
    const { name, repo, kbSync, cliCommit } = await setup();
    const local = await repo.commit({ ops: [{ kind: 'write', path: 'shared.md', content: text('platform\n') }], message: 'Platform', author });
    const remoteHead = await cliCommit('shared.md', 'cli\n', 'CLI');
    const result = await kbSync.sync();
    expect(result.pull).toBe('conflict');
    expect(result.pushed).toBe(0);
    expect(result.after).toBe(local.sha);
    expect(result.status.conflict).toEqual({ paths: ['shared.md'], remoteHead });
    expect(result.status.lastError?.code).toBe('KB_SYNC_CONFLICT');
    expect(result.status.lastError?.message).toContain('shared.md');
    expect(result.status).toMatchObject({ ahead: 1, behind: 1 });
    expect(await repo.head()).toBe(local.sha);
    expect(await readFile(join(repo.dir, 'shared.md'), 'utf8')).toBe('platform\n');
    await expectCleanTree(repo);
    const check = join(tmp, 'check');
    await cloneWithCli(server.url(name), check);
    expect((await gitCli(check, 'rev-parse', 'HEAD')).trim()).toBe(remoteHead);

    // The platform resolves it by taking the remote side; the next sync clears the conflict.
    await repo.commit({ ops: [{ kind: 'write', path: 'shared.md', content: text('cli\n') }], message: 'Resolve', author });
    const resolved = await kbSync.sync();
    expect(resolved).toMatchObject({ pull: 'merge', pushed: 3 });
    expect(resolved.status).toMatchObject({ conflict: null, lastError: null, ahead: 0, behind: 0 });
  });

  it('merges edits to different files and pushes the merge', async () => {
    const { name, repo, kbSync, cliCommit } = await setup();
    const local = await repo.commit({ ops: [{ kind: 'write', path: 'shared.md', content: text('platform\n') }], message: 'Platform', author });
    const remoteHead = await cliCommit('other.md', 'cli\n', 'CLI');
    const result = await kbSync.sync();
    expect(result.pull).toBe('merge');
    expect(result.pushed).toBe(2);
    expect(result.status).toMatchObject({ ahead: 0, behind: 0, conflict: null, lastError: null });
    const merge = await git.readCommit({ fs, dir: repo.dir, oid: result.after as string });
    expect(merge.commit.parent).toEqual([local.sha, remoteHead]);
    expect(merge.commit.author).toMatchObject(author);
    expect(await readFile(join(repo.dir, 'other.md'), 'utf8')).toBe('cli\n');
    await expectCleanTree(repo);
    const fresh = join(tmp, 'fresh');
    await cloneWithCli(server.url(name), fresh);
    expect((await gitCli(fresh, 'rev-parse', 'HEAD')).trim()).toBe(result.after);
    expect(await readFile(join(fresh, 'shared.md'), 'utf8')).toBe('platform\n');
    expect(await readFile(join(fresh, 'other.md'), 'utf8')).toBe('cli\n');
  });

  it('reports both sides adding the same new file as a conflict', async () => {
    const { repo, kbSync, cliCommit } = await setup();
    const local = await repo.commit({ ops: [{ kind: 'write', path: 'new.md', content: text('platform\n') }], message: 'Platform', author });
    await cliCommit('new.md', 'cli\n', 'CLI');
    const result = await kbSync.sync();
    expect(result.pull).toBe('conflict');
    expect(result.status.conflict?.paths).toEqual(['new.md']);
    expect(await repo.head()).toBe(local.sha);
    await expectCleanTree(repo);
  });

  it('a push the remote refuses (remote moved, pull skipped) is KB_PUSH_REJECTED', async () => {
    const { repo, kbSync, cliCommit } = await setup();
    await repo.commit({ ops: [{ kind: 'write', path: 'p.md', content: text('p') }], message: 'Platform', author });
    await cliCommit('c.md', 'c', 'CLI');
    const result = await kbSync.sync({ pull: false });
    expect(result.pull).toBe('skipped');
    expect(result.pushed).toBe(0);
    expect(result.status.lastError?.code).toBe('KB_PUSH_REJECTED');
    const next = await kbSync.sync();
    expect(next).toMatchObject({ pull: 'merge', pushed: 2 });
    expect(next.status.lastError).toBeNull();
  });

  it('commits made while a sync runs are neither lost nor interleaved', async () => {
    const { name, repo, kbSync, cliCommit } = await setup();
    await cliCommit('c.md', 'c', 'CLI');
    const writes = Array.from({ length: 5 }, (_, i) =>
      repo.commit({ ops: [{ kind: 'write', path: `w${i}.md`, content: text(`${i}`) }], message: `w${i}`, author }),
    );
    const [first] = await Promise.all([kbSync.sync(), ...writes]);
    expect(first.status.lastError).toBeNull();
    const final = await kbSync.sync();
    expect(final.status).toMatchObject({ ahead: 0, behind: 0, lastError: null });
    const files = (await repo.listFiles()).map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['c.md', 'w0.md', 'w1.md', 'w2.md', 'w3.md', 'w4.md']));
    await expectCleanTree(repo);
    const fresh = join(tmp, 'fresh');
    await cloneWithCli(server.url(name), fresh);
    expect((await gitCli(fresh, 'rev-parse', 'HEAD')).trim()).toBe(await repo.head());
  });

  it('starts from an empty remote and pushes the first commit', async () => {
    await server.createEmptyRepo('empty');
    const remote = { url: server.url('empty') };
    const dir = join(tmp, 'platform');
    const repo = await openKbRepo({ fs, dir, remote });
    expect(repo.origin).toBe('initialized');
    expect(await repo.head()).toBeUndefined();
    const kbSync = createKbSync({ repo, fs, dir, branch: 'main', remote, logger: createMemoryLogger(), author });
    expect((await kbSync.sync()).pull).toBe('none');
    const { sha } = await repo.commit({ ops: [{ kind: 'write', path: 'a.md', content: text('a') }], message: 'first', author });
    expect((await kbSync.status()).ahead).toBe(1);
    expect((await kbSync.sync()).pushed).toBe(1);
    const fresh = join(tmp, 'fresh');
    await cloneWithCli(server.url('empty'), fresh);
    expect((await gitCli(fresh, 'rev-parse', 'HEAD')).trim()).toBe(sha);
  });

  it('an empty local repository fast-forwards to what appears on the remote', async () => {
    await server.createEmptyRepo('later');
    const remote = { url: server.url('later') };
    const dir = join(tmp, 'platform');
    const repo = await openKbRepo({ fs, dir, remote });
    const kbSync = createKbSync({ repo, fs, dir, branch: 'main', remote, logger: createMemoryLogger(), author });
    const cli = join(tmp, 'cli');
    await gitCli(tmp, 'init', '--quiet', '--initial-branch=main', cli);
    await writeFile(join(cli, 'first.md'), 'first\n');
    await gitCli(cli, 'add', '-A');
    await gitCli(cli, 'commit', '--quiet', '-m', 'first');
    await gitCli(cli, 'push', '--quiet', server.url('later'), 'main');
    const result = await kbSync.sync();
    expect(result).toMatchObject({ before: null, pull: 'fast-forward', pushed: 0 });
    expect(await readFile(join(dir, 'first.md'), 'utf8')).toBe('first\n');
    await expectCleanTree(repo);
  });

  it('without a remote, sync is skipped', async () => {
    const dir = join(tmp, 'local');
    const repo = await openKbRepo({ fs, dir });
    const kbSync = createKbSync({ repo, fs, dir, branch: 'main', logger: createMemoryLogger(), author });
    const result = await kbSync.sync();
    expect(result).toMatchObject({ pull: 'skipped', pushed: 0 });
    expect(result.status).toMatchObject({ remote: null, ahead: 0, behind: 0, lastError: null });
  });
});

describe('remote failures', () => {
  it('an unreachable remote fails the clone with remote_unreachable and leaves no .git behind', async () => {
    const url = await closedPortUrl();
    const dir = join(tmp, 'kb');
    const failed = openKbRepo({ fs, dir, remote: { url } });
    await expect(failed).rejects.toBeInstanceOf(GitError);
    await expect(failed).rejects.toMatchObject({ kind: 'remote_unreachable' });
    expect(fs.existsSync(join(dir, '.git'))).toBe(false);
    expect(fs.readdirSync(tmp).filter((n) => n.includes('clone'))).toEqual([]);
  });

  it('sync against an unreachable remote resolves with KB_REMOTE_UNREACHABLE', async () => {
    const { repo, dir, logger } = await setup();
    const remote = { url: await closedPortUrl() };
    const kbSync = createKbSync({ repo, fs, dir, branch: 'main', remote, logger, author });
    const result = await kbSync.sync();
    expect(result.status.lastError?.code).toBe('KB_REMOTE_UNREACHABLE');
    expect(result.status.lastSyncAt).not.toBeNull();
  });

  it('a missing repository is KB_REMOTE_NOT_FOUND', async () => {
    const { repo, dir, logger } = await setup();
    const remote = { url: server.url('does-not-exist') };
    const kbSync = createKbSync({ repo, fs, dir, branch: 'main', remote, logger, author });
    expect((await kbSync.sync()).status.lastError?.code).toBe('KB_REMOTE_NOT_FOUND');
    await expect(openKbRepo({ fs, dir: join(tmp, 'nf'), remote })).rejects.toMatchObject({ kind: 'remote_not_found' });
  });

  it('wrong credentials give remote_auth / KB_REMOTE_AUTH and never leak the password', async () => {
    const secured = await startGitServer({ auth: { username: 'kb', password: 'right-password' } });
    try {
      await secured.createRepo('kb', { 'a.md': 'a' });
      const logger = createMemoryLogger();
      const password = 'wrong-S3CRET-pw';
      const bad: RemoteConfig = { url: secured.url('kb'), username: 'kb', password };
      const failed = openKbRepo({ fs, dir: join(tmp, 'bad'), remote: bad, logger });
      await expect(failed).rejects.toMatchObject({ kind: 'remote_auth' });
      const message = await failed.catch((err: Error) => err.message);
      expect(message).not.toContain(password);

      const tokenRemote = { url: secured.url('kb').replace('http://', 'http://kb:right-password@') };
      const dir = join(tmp, 'good');
      const repo = await openKbRepo({ fs, dir, remote: tokenRemote, logger });
      expect(fs.readFileSync(join(dir, '.git', 'config'), 'utf8')).not.toContain('right-password');
      expect((await createKbSync({ repo, fs, dir, branch: 'main', remote: tokenRemote, logger, author }).status()).remote).toBe(
        secured.url('kb'),
      );
      const kbSync = createKbSync({ repo, fs, dir, branch: 'main', remote: bad, logger, author });
      const result = await kbSync.sync();
      expect(result.status.lastError?.code).toBe('KB_REMOTE_AUTH');
      expect(JSON.stringify(result)).not.toContain(password);
      expect(logger.lines.join('\n')).not.toContain(password);
      expect(logger.lines.join('\n')).not.toContain('right-password');

      const ok = createKbSync({ repo, fs, dir, branch: 'main', remote: { url: secured.url('kb'), username: 'kb', password: 'right-password' }, logger, author });
      expect((await ok.sync()).status.lastError).toBeNull();
    } finally {
      await secured.close();
    }
  });

  it('token auth uses x-access-token as the default username', async () => {
    const secured = await startGitServer({ auth: { username: 'x-access-token', password: 'tok' } });
    try {
      await secured.createRepo('kb', { 'a.md': 'a' });
      const repo = await openKbRepo({ fs, dir: join(tmp, 'tok'), remote: { url: secured.url('kb'), token: 'tok' } });
      expect(repo.origin).toBe('cloned');
    } finally {
      await secured.close();
    }
  });

  it('classifies isomorphic-git and network errors', () => {
    const http = (statusCode: number) => Object.assign(new Error('HTTP Error'), { code: 'HttpError', data: { statusCode } });
    expect(classifyGitError(http(401)).kind).toBe('remote_auth');
    expect(classifyGitError(http(403)).kind).toBe('remote_auth');
    expect(classifyGitError(http(404)).kind).toBe('remote_not_found');
    expect(classifyGitError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })).kind).toBe('remote_unreachable');
    expect(classifyGitError(Object.assign(new Error('x'), { code: 'PushRejectedError', data: {} })).kind).toBe('push_rejected');
    const conflict = classifyGitError(Object.assign(new Error('x'), { code: 'MergeConflictError', data: { filepaths: ['a.md'] } }));
    expect(conflict).toMatchObject({ kind: 'conflict', paths: ['a.md'] });
    const scrubbed = classifyGitError(new Error('failed for https://u:pw@h/x'), { url: 'https://u:pw@h/x', secrets: ['pw'] });
    expect(scrubbed.message).not.toContain('pw');
  });
});
