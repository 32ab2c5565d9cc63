import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import type { Logger } from '../../../lib/logging/logger.ts';
import { GitError } from './errors.ts';
import { blobOidAt, type GitContext, readFileAt, resolveCommit } from './read.ts';
import type { CommitRequest, CommitResult, WriteOp } from './types.ts';

/**
 * Applies `request.ops` to the working tree and index and records them as ONE commit on `branch`. Every op is
 * validated before anything is touched; if applying fails part-way, touched paths are restored to the branch head.
 * Callers hold the repository's write lock.
 * @example const { sha } = await commitOps(ctx, 'main', { ops, message: 'Edit guide', author });
 */
export async function commitOps(ctx: GitContext, branch: string, request: CommitRequest): Promise<CommitResult> {
  const head = await resolveCommit(ctx, `refs/heads/${branch}`);
  const atHead = (path: string) => (head ? blobOidAt(ctx, head, path) : Promise.resolve(undefined));

  if (request.ifMatch) {
    const { path, oid } = request.ifMatch;
    const current = await atHead(path);
    if (!current) throw new GitError('not_found', `${path} does not exist`, [path]);
    if (current !== oid) {
      throw new GitError('precondition', `${path} has changed (expected ${oid}, found ${current})`, [path]);
    }
  }

  const after = await planOps(request.ops, atHead);
  const touched = new Set<string>();
  try {
    for (const op of request.ops) await applyOp(ctx, op, touched);
    const sha = await git.commit({
      ...ctx,
      ref: `refs/heads/${branch}`,
      message: request.message,
      author: request.author,
      committer: request.author,
    });
    return { sha, oids: resultOids(request.ops, after) };
  } catch (err) {
    await restorePaths(ctx, head, touched);
    throw err;
  }
}

/** Checks every op against the state the earlier ops leave; returns each touched path's blob sha (null = gone). */
async function planOps(
  ops: WriteOp[],
  atHead: (path: string) => Promise<string | undefined>,
): Promise<Map<string, string | null>> {
  const state = new Map<string, string | null>();
  const current = async (path: string) => (state.has(path) ? (state.get(path) ?? undefined) : atHead(path));
  for (const op of ops) {
    if (op.kind === 'write') {
      state.set(op.path, (await git.hashBlob({ object: op.content })).oid);
    } else if (op.kind === 'delete') {
      if (!(await current(op.path))) throw new GitError('not_found', `${op.path} does not exist`, [op.path]);
      state.set(op.path, null);
    } else {
      const oid = await current(op.from);
      if (!oid) throw new GitError('not_found', `${op.from} does not exist`, [op.from]);
      if (await current(op.to)) throw new GitError('exists', `${op.to} already exists`, [op.to]);
      state.set(op.from, null);
      state.set(op.to, oid);
    }
  }
  return state;
}

async function applyOp(ctx: GitContext, op: WriteOp, touched: Set<string>): Promise<void> {
  const { fs, dir } = ctx;
  if (op.kind === 'write') {
    touched.add(op.path);
    await fs.promises.mkdir(dirname(join(dir, op.path)), { recursive: true });
    await fs.promises.writeFile(join(dir, op.path), op.content);
    await git.add({ ...ctx, filepath: op.path, force: true });
  } else if (op.kind === 'delete') {
    touched.add(op.path);
    await fs.promises.rm(join(dir, op.path), { force: true });
    await git.remove({ ...ctx, filepath: op.path });
    await pruneEmptyParents(ctx, op.path);
  } else {
    touched.add(op.from);
    touched.add(op.to);
    await fs.promises.mkdir(dirname(join(dir, op.to)), { recursive: true });
    await fs.promises.rename(join(dir, op.from), join(dir, op.to));
    await git.remove({ ...ctx, filepath: op.from });
    await git.add({ ...ctx, filepath: op.to, force: true });
    await pruneEmptyParents(ctx, op.from);
  }
}

function resultOids(ops: WriteOp[], after: Map<string, string | null>): Record<string, string> {
  const oids: Record<string, string> = {};
  for (const op of ops) {
    const path = op.kind === 'move' ? op.to : op.kind === 'write' ? op.path : undefined;
    const oid = path === undefined ? undefined : after.get(path);
    if (path !== undefined && oid) oids[path] = oid;
  }
  return oids;
}

/**
 * Puts paths back as they are at `head` in the working tree and index (removing those absent there), best effort.
 * @example await restorePaths(ctx, head, ['draft.md']);
 */
export async function restorePaths(ctx: GitContext, head: string | undefined, paths: Iterable<string>): Promise<void> {
  for (const path of paths) {
    try {
      const file = head ? await readFileAt(ctx, head, path) : undefined;
      if (file) {
        await ctx.fs.promises.mkdir(dirname(join(ctx.dir, path)), { recursive: true });
        await ctx.fs.promises.writeFile(join(ctx.dir, path), file.content);
        await git.resetIndex({ ...ctx, filepath: path, ref: head });
      } else {
        await ctx.fs.promises.rm(join(ctx.dir, path), { force: true });
        await git.remove({ ...ctx, filepath: path });
      }
    } catch {
      // Best effort: the original error is what the caller needs to see.
    }
  }
}

async function pruneEmptyParents(ctx: GitContext, path: string): Promise<void> {
  for (let parent = dirname(path); parent !== '.' && parent !== ''; parent = dirname(parent)) {
    try {
      await ctx.fs.promises.rmdir(join(ctx.dir, parent));
    } catch {
      return;
    }
  }
}

/**
 * Every change reaches the working tree through `commit` or sync, so tracked files (or index entries) that differ
 * from the branch head are left-overs of an interrupted commit or pull; they are put back, so the next commit,
 * which is built from the index, cannot pick them up. Untracked files are left alone.
 * @example await reconcileWorkingTree(ctx, 'main', logger);
 */
export async function reconcileWorkingTree(ctx: GitContext, branch: string, logger: Logger): Promise<void> {
  const head = await resolveCommit(ctx, `refs/heads/${branch}`);
  const dirty = head
    ? (await git.statusMatrix({ ...ctx, ref: head }))
        .filter(([, h, w, s]) => !(h === 1 && w === 1 && s === 1) && !(h === 0 && s === 0))
        .map(([path]) => path)
    : await git.listFiles({ ...ctx });
  if (dirty.length === 0) return;
  logger.warn('kb working tree differed from the branch head; restored it', { paths: dirty });
  await restorePaths(ctx, head, dirty);
}
