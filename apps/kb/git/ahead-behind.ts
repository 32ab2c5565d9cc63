import git from 'isomorphic-git';
import type { GitContext } from './read.ts';

const LOCAL = 1;
const REMOTE = 2;
const BOTH = LOCAL | REMOTE;

/**
 * Commits reachable from `local` but not `remote` (ahead) and the reverse (behind). Walks both histories newest
 * first, painting each commit with the side(s) that reach it, and stops once only shared commits older than every
 * one-sided commit remain queued (like `git rev-list --left-right --count`; equal commit times, common within one
 * second, keep the walk going), so the cost follows the divergence, not the length of the history.
 * @example const { ahead, behind } = await countAheadBehind(ctx, localHead, remoteHead);
 */
export async function countAheadBehind(
  ctx: GitContext,
  local: string | undefined,
  remote: string | undefined,
): Promise<{ ahead: number; behind: number }> {
  const flags = new Map<string, number>();
  const commits = new Map<string, { time: number; parents: string[] }>();
  const queue: string[] = [];

  const load = async (oid: string) => {
    if (commits.has(oid)) return;
    try {
      const { commit } = await git.readCommit({ ...ctx, oid });
      commits.set(oid, { time: commit.committer.timestamp, parents: commit.parent });
    } catch {
      commits.set(oid, { time: 0, parents: [] });
    }
  };
  const mark = async (oid: string, flag: number) => {
    const before = flags.get(oid) ?? 0;
    const after = before | flag;
    if (after === before) return;
    flags.set(oid, after);
    await load(oid);
    if (!queue.includes(oid)) queue.push(oid);
  };

  if (local) await mark(local, LOCAL);
  if (remote) await mark(remote, REMOTE);
  const time = (oid: string) => commits.get(oid)?.time ?? 0;
  /** Only shared commits are queued, and all are older than every one-sided commit (so none can be its ancestor). */
  const settled = () => {
    if (queue.some((oid) => flags.get(oid) !== BOTH)) return false;
    let oldestOneSided = Number.POSITIVE_INFINITY;
    for (const [oid, flag] of flags) if (flag !== BOTH) oldestOneSided = Math.min(oldestOneSided, time(oid));
    return queue.every((oid) => time(oid) < oldestOneSided);
  };

  while (queue.length > 0 && !settled()) {
    queue.sort((a, b) => time(a) - time(b));
    const oid = queue.pop() as string;
    const flag = flags.get(oid) ?? 0;
    for (const parent of commits.get(oid)?.parents ?? []) await mark(parent, flag);
  }

  let ahead = 0;
  let behind = 0;
  for (const flag of flags.values()) {
    if (flag === LOCAL) ahead++;
    else if (flag === REMOTE) behind++;
  }
  return { ahead, behind };
}
