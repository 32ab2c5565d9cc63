import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countAheadBehind } from './ahead-behind.ts';
import type { GitContext } from './read.ts';

let ctx: GitContext;
beforeEach(async () => {
  ctx = { fs, dir: await mkdtemp(join(tmpdir(), 'kb-ab-')), cache: {} };
  await git.init({ fs, dir: ctx.dir, defaultBranch: 'main' });
});
afterEach(async () => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** A commit on top of `parents`, all in the same second (the case that trips a naive date-ordered walk). */
async function commit(message: string, parents: string[]): Promise<string> {
  const author = { name: 'T', email: 't@example.test', timestamp: 1_700_000_000, timezoneOffset: 0 };
  const tree = await git.writeTree({ fs, dir: ctx.dir, tree: [] });
  return git.writeCommit({ fs, dir: ctx.dir, commit: { message, tree, parent: parents, author, committer: author } });
}

describe('countAheadBehind', () => {
  it('counts linear, diverged and merged histories with equal commit times', async () => {
    const base = await commit('base', []);
    const l1 = await commit('l1', [base]);
    const l2 = await commit('l2', [l1]);
    const r1 = await commit('r1', [base]);
    const merge = await commit('merge', [l2, r1]);
    expect(await countAheadBehind(ctx, l2, base)).toEqual({ ahead: 2, behind: 0 });
    expect(await countAheadBehind(ctx, base, l2)).toEqual({ ahead: 0, behind: 2 });
    expect(await countAheadBehind(ctx, l2, r1)).toEqual({ ahead: 2, behind: 1 });
    expect(await countAheadBehind(ctx, merge, r1)).toEqual({ ahead: 3, behind: 0 });
    expect(await countAheadBehind(ctx, l2, undefined)).toEqual({ ahead: 3, behind: 0 });
    expect(await countAheadBehind(ctx, undefined, undefined)).toEqual({ ahead: 0, behind: 0 });
    expect(await countAheadBehind(ctx, l2, l2)).toEqual({ ahead: 0, behind: 0 });
  });
});
