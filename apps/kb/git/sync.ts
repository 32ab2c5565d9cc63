import type * as nodeFs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type { Logger } from '../../../lib/logging/logger.ts';
import { countAheadBehind } from './ahead-behind.ts';
import { GitError, type GitErrorKind } from './errors.ts';
import { createLock, type WithLock } from './lock.ts';
import { changedFilesBetween, type GitContext, isMissing, resolveCommit } from './read.ts';
import { classifyGitError, gitErrorKind, type RemoteConfig, resolveRemote } from './remote.ts';
import type { CommitAuthor, KbRepo, SyncResult, SyncStatus } from './types.ts';
import { reconcileWorkingTree } from './write.ts';

export { classifyGitError } from './remote.ts';

export interface KbSyncOptions {
  /** The repository from `openKbRepo`; its `withLock` is the write lock sync shares with `commit`. */
  repo: KbRepo & { withLock: WithLock; cache?: object };
  fs: typeof nodeFs;
  dir: string;
  branch: string;
  remote?: RemoteConfig;
  logger: Logger;
  now?: () => number;
  /** Author (and committer) of merge commits. */
  author: CommitAuthor;
  onProgress?: (progress: { phase: string; loaded: number; total?: number }) => void;
}

export interface KbSync {
  status(): Promise<SyncStatus>;
  /** Never throws for remote trouble: the failure is in `status.lastError`. */
  sync(options?: { pull?: boolean; push?: boolean }): Promise<SyncResult>;
}

const STATUS_CODES: Partial<Record<GitErrorKind, string>> = {
  remote_unreachable: 'KB_REMOTE_UNREACHABLE',
  remote_auth: 'KB_REMOTE_AUTH',
  remote_not_found: 'KB_REMOTE_NOT_FOUND',
  push_rejected: 'KB_PUSH_REJECTED',
  conflict: 'KB_SYNC_CONFLICT',
};

type PullKind = SyncResult['pull'];

/**
 * Pull (fetch, then fast-forward or merge) and push between the kb repository and its `origin`. Network transfer
 * runs outside the write lock; moving the branch and working tree runs inside it, so commits never interleave.
 * A merge conflict leaves the local branch exactly as it was and is reported in `status.conflict`.
 * @example const kbSync = createKbSync({ repo, fs, dir, branch: 'main', remote, logger, author }); await kbSync.sync();
 */
export function createKbSync(options: KbSyncOptions): KbSync {
  const { repo, fs, dir, branch, logger, author } = options;
  const now = options.now ?? Date.now;
  const ctx: GitContext = { fs, dir, cache: repo.cache ?? {} };
  const remote = options.remote ? resolveRemote(options.remote) : undefined;
  const network = {
    fs,
    http,
    dir,
    cache: ctx.cache,
    remote: 'origin',
    ...(remote ? { url: remote.url } : {}),
    ...(remote?.onAuth ? { onAuth: remote.onAuth } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const trackingRef = `refs/remotes/origin/${branch}`;
  const branchRef = `refs/heads/${branch}`;
  const serialize = createLock();
  let syncing = 0;
  let lastSyncAt: string | null = null;
  let lastError: SyncStatus['lastError'] = null;
  let conflict: SyncStatus['conflict'] = null;

  async function status(): Promise<SyncStatus> {
    const head = (await repo.head()) ?? null;
    const { ahead, behind } = remote
      ? await countAheadBehind(ctx, head ?? undefined, await resolveCommit(ctx, trackingRef))
      : { ahead: 0, behind: 0 };
    return {
      branch,
      head,
      remote: remote?.url ?? null,
      ahead,
      behind,
      lastSyncAt,
      lastError,
      conflict,
      syncing: syncing > 0,
    };
  }

  async function fetchRemote(): Promise<string | undefined> {
    try {
      await git.fetch({ ...network, ref: branch, singleBranch: true, tags: false });
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    return resolveCommit(ctx, trackingRef);
  }

  /** Inside the write lock: brings the remote head into the local branch and working tree. */
  async function integrate(remoteHead: string): Promise<PullKind> {
    const local = await repo.head();
    if (local === remoteHead) return 'none';
    if (local && (await git.isDescendent({ ...ctx, oid: local, ancestor: remoteHead, depth: -1 }))) return 'none';
    if (!local || (await git.isDescendent({ ...ctx, oid: remoteHead, ancestor: local, depth: -1 }))) {
      await git.writeRef({ fs, dir, ref: branchRef, value: remoteHead, force: true });
      await checkoutBranch();
      return 'fast-forward';
    }
    try {
      const timestamp = Math.floor(now() / 1000);
      await git.merge({
        ...ctx,
        ours: branchRef,
        theirs: trackingRef,
        fastForward: false,
        abortOnConflict: true,
        message: `Merge changes from origin/${branch}`,
        author: { ...author, timestamp },
        committer: { ...author, timestamp },
      });
    } catch (err) {
      if (gitErrorKind(err) !== 'conflict') throw err;
      const paths = await conflictPaths(ctx, local, remoteHead, err);
      conflict = { paths, remoteHead };
      return 'conflict';
    }
    await checkoutBranch();
    return 'merge';
  }

  async function checkoutBranch(): Promise<void> {
    try {
      await git.checkout({ ...ctx, ref: branch, force: true });
    } catch (err) {
      await reconcileWorkingTree(ctx, branch, logger);
      throw err;
    }
  }

  async function pushLocal(): Promise<number> {
    const local = await repo.head();
    if (!local) return 0;
    const { ahead } = await countAheadBehind(ctx, local, await resolveCommit(ctx, trackingRef));
    if (ahead === 0) return 0;
    const result = await git.push({ ...network, ref: branch, remoteRef: branch });
    const refResult = result.refs[branchRef];
    if (!result.ok || (refResult && !refResult.ok)) {
      throw new GitError('push_rejected', `The remote rejected the push: ${result.error ?? refResult?.error ?? ''}`);
    }
    if (!(await resolveCommit(ctx, trackingRef))) {
      await git.writeRef({ fs, dir, ref: trackingRef, value: local, force: true });
    }
    return ahead;
  }

  async function runSync(pull: boolean, push: boolean): Promise<Omit<SyncResult, 'status'>> {
    const started = now();
    let before: string | null = null;
    let pullKind: PullKind = pull && remote ? 'none' : 'skipped';
    let pushed = 0;
    try {
      before = (await repo.head()) ?? null;
      if (remote && pull) {
        const remoteHead = await fetchRemote();
        if (remoteHead) pullKind = await repo.withLock(() => integrate(remoteHead));
        if (pullKind !== 'conflict') conflict = null;
      }
      if (remote && push && pullKind !== 'conflict') pushed = await pushLocal();
      lastError =
        pullKind === 'conflict' && conflict
          ? { code: 'KB_SYNC_CONFLICT', message: `Local and remote changes conflict in ${conflict.paths.join(', ')}` }
          : null;
    } catch (err) {
      lastError = statusError(err);
      logger.warn('kb sync failed', { code: lastError.code, error: lastError.message, remote: remote?.url ?? null });
    }
    lastSyncAt = new Date(now()).toISOString();
    const after = (await repo.head().catch(() => undefined)) ?? before;
    if (conflict && pullKind === 'conflict') logger.warn('kb sync conflict', { ...conflict });
    else if (remote && !lastError) logger.info('kb sync', { pull: pullKind, pushed, before, after, ms: now() - started });
    return { before, after, pull: pullKind, pushed };
  }

  function statusError(err: unknown): { code: string; message: string } {
    const kind = gitErrorKind(err);
    const error = classifyGitError(err, { url: remote?.url, secrets: remote?.secrets });
    return { code: (kind && STATUS_CODES[kind]) || 'KB_SYNC_FAILED', message: error.message };
  }

  return {
    status,
    async sync({ pull = true, push = true } = {}) {
      syncing++;
      let result: Omit<SyncResult, 'status'>;
      try {
        result = await serialize(() => runSync(pull, push));
      } finally {
        syncing--;
      }
      return { ...result, status: await status() };
    },
  };
}

/** The files both sides changed since their merge base (all differing files when there is no single base). */
async function conflictPaths(ctx: GitContext, local: string, remote: string, err: unknown): Promise<string[]> {
  const reported = (err as { data?: { filepaths?: unknown } }).data?.filepaths;
  if (Array.isArray(reported) && reported.length > 0) return [...(reported as string[])].sort();
  const bases = await git.findMergeBase({ ...ctx, oids: [local, remote] });
  const [base] = bases;
  if (bases.length !== 1 || !base) return (await changedFilesBetween(ctx, local, remote)).map((c) => c.path).sort();
  const ours = new Map((await changedFilesBetween(ctx, base, local)).map((c) => [c.path, c.oid]));
  const theirs = await changedFilesBetween(ctx, base, remote);
  return theirs
    .filter((c) => ours.has(c.path) && ours.get(c.path) !== c.oid)
    .map((c) => c.path)
    .sort();
}
