import type * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { type Logger, silentLogger } from '../../../lib/logging/logger.ts';
import { GitError } from './errors.ts';
import { createLock, type WithLock } from './lock.ts';
import {
  changedFilesBetween,
  type GitContext,
  lastCommitAt,
  listDirAt,
  listFilesAt,
  readBlobByOid,
  readFileAt,
  resolveCommit,
} from './read.ts';
import { classifyGitError, type RemoteConfig, type ResolvedRemote, resolveRemote } from './remote.ts';
import type { KbRepo } from './types.ts';
import { commitOps, reconcileWorkingTree } from './write.ts';

export type { RemoteConfig } from './remote.ts';

export type GitProgress = { phase: string; loaded: number; total?: number };

export interface OpenKbRepoOptions {
  /** `node:fs` (or a compatible implementation), handed in through the service's deps. */
  fs: typeof nodeFs;
  /** Working tree; `dir/.git` is reused when present. */
  dir: string;
  /** Default `main`. */
  branch?: string;
  remote?: RemoteConfig;
  logger?: Logger;
  onProgress?: (progress: GitProgress) => void;
}

/** A {@link KbRepo} plus what `sync.ts` needs to share with it. */
export interface OpenedKbRepo extends KbRepo {
  /** The write lock `commit` runs under; sync takes it too, so the two never interleave. */
  withLock: WithLock;
  /** The isomorphic-git cache every operation on this repository shares. */
  readonly cache: object;
  /** How the repository came to be on disk. */
  readonly origin: 'reused' | 'cloned' | 'initialized';
}

/**
 * Opens the kb's Git repository: reuses `dir/.git`, else clones `remote` (an empty remote, or one without the
 * branch, gives a fresh local repository with `origin` set), else initializes an empty one.
 * @example const repo = await openKbRepo({ fs, dir: '/data/kb', remote: { url, token } });
 */
export async function openKbRepo(options: OpenKbRepoOptions): Promise<OpenedKbRepo> {
  const { fs, dir } = options;
  const branch = options.branch ?? 'main';
  const logger = options.logger ?? silentLogger;
  const remote = options.remote ? resolveRemote(options.remote) : undefined;
  const started = Date.now();

  let origin: OpenedKbRepo['origin'];
  if (await exists(fs, join(dir, '.git'))) {
    origin = 'reused';
    if (remote) await git.addRemote({ fs, dir, remote: 'origin', url: remote.url, force: true });
    await reconcileWorkingTree({ fs, dir, cache: {} }, branch, logger);
  } else if (remote) {
    origin = await cloneInto(fs, dir, branch, remote, options.onProgress);
  } else {
    origin = 'initialized';
    await fs.promises.mkdir(dir, { recursive: true });
    await git.init({ fs, dir, defaultBranch: branch });
  }
  logger.info('kb repository opened', { dir, branch, origin, remote: remote?.url ?? null, ms: Date.now() - started });
  return createKbRepo({ fs, dir, cache: {} }, branch, origin);
}

function createKbRepo(ctx: GitContext, branch: string, origin: OpenedKbRepo['origin']): OpenedKbRepo {
  const withLock = createLock();
  const head = () => resolveCommit(ctx, `refs/heads/${branch}`);
  const commitAt = async (ref: string | undefined) => (ref === undefined ? head() : resolveCommit(ctx, ref));
  const listFiles = async (ref?: string) => {
    const commit = await commitAt(ref);
    if (commit) return listFilesAt(ctx, commit);
    if (ref === undefined) return [];
    throw new GitError('not_found', `No commit ${ref}`);
  };

  return {
    dir: ctx.dir,
    branch,
    cache: ctx.cache,
    origin,
    withLock,
    head,
    async readFile(path, ref) {
      const commit = await commitAt(ref);
      return commit ? readFileAt(ctx, commit, path) : undefined;
    },
    readBlob: (oid) => readBlobByOid(ctx, oid),
    async listDir(path) {
      const commit = await head();
      if (!commit) return path === '' ? [] : undefined;
      return listDirAt(ctx, commit, path);
    },
    listFiles,
    async changedFiles(from, to) {
      if (from === undefined) {
        const files = await listFiles(to);
        return files.map((f) => ({ path: f.path, kind: 'added' as const, oid: f.oid }));
      }
      return changedFilesBetween(ctx, from, to);
    },
    async lastCommit(path) {
      const commit = await head();
      return commit ? lastCommitAt(ctx, commit, path) : undefined;
    },
    commit(request) {
      return withLock(() => commitOps(ctx, branch, request));
    },
  };
}

/**
 * Clones into a sibling temp directory and moves the result into `dir` (`.git` last), so a failed clone never
 * leaves a `.git` that a later start would take for a good one.
 */
async function cloneInto(
  fs: typeof nodeFs,
  dir: string,
  branch: string,
  remote: ResolvedRemote,
  onProgress: OpenKbRepoOptions['onProgress'],
): Promise<'cloned' | 'initialized'> {
  const prefix = `.${basename(dir)}.clone-`;
  await fs.promises.mkdir(dirname(dir), { recursive: true });
  for (const stale of await fs.promises.readdir(dirname(dir))) {
    if (stale.startsWith(prefix)) await fs.promises.rm(join(dirname(dir), stale), { recursive: true, force: true });
  }
  const tmp = await fs.promises.mkdtemp(join(dirname(dir), prefix));
  try {
    let origin: 'cloned' | 'initialized' = 'cloned';
    try {
      await git.clone({
        fs,
        http,
        dir: tmp,
        url: remote.url,
        ref: branch,
        singleBranch: true,
        ...(remote.onAuth ? { onAuth: remote.onAuth } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'NotFoundError') throw err;
      origin = 'initialized';
    }
    if (origin === 'initialized' || !(await resolveCommit({ fs, dir: tmp, cache: {} }, `refs/heads/${branch}`))) {
      origin = 'initialized';
      await fs.promises.rm(join(tmp, '.git'), { recursive: true, force: true });
      await git.init({ fs, dir: tmp, defaultBranch: branch });
      await git.addRemote({ fs, dir: tmp, remote: 'origin', url: remote.url });
    }
    await moveInto(fs, tmp, dir);
    return origin;
  } catch (err) {
    throw classifyGitError(err, { url: remote.url, secrets: remote.secrets });
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

async function moveInto(fs: typeof nodeFs, from: string, to: string): Promise<void> {
  await fs.promises.mkdir(to, { recursive: true });
  const entries = (await fs.promises.readdir(from)).filter((name) => name !== '.git');
  for (const name of [...entries, '.git']) await fs.promises.rename(join(from, name), join(to, name));
}

async function exists(fs: typeof nodeFs, path: string): Promise<boolean> {
  try {
    await fs.promises.stat(path);
    return true;
  } catch {
    return false;
  }
}
