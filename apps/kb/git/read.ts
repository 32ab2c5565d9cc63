import type * as nodeFs from 'node:fs';
import git, { type WalkerEntry } from 'isomorphic-git';
import type { CommitInfo, DirEntry, FileBlob, FileChange } from './types.ts';

/** What every read needs: the filesystem, the working directory and the repository's shared isomorphic-git cache. */
export interface GitContext {
  fs: typeof nodeFs;
  dir: string;
  cache: object;
}

const SHA = /^[0-9a-f]{40}$/;

/** A commit sha for `ref` (a sha is returned as is; a branch/ref name is resolved); undefined when it does not exist. */
export async function resolveCommit(ctx: GitContext, ref: string): Promise<string | undefined> {
  if (SHA.test(ref)) return ref;
  try {
    return await git.resolveRef({ fs: ctx.fs, dir: ctx.dir, ref });
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * The blob sha of `path` in `commit`, read from its parent tree only; undefined when absent or not a file.
 * @example const oid = await blobOidAt(ctx, head, 'guide/intro.md');
 */
export async function blobOidAt(ctx: GitContext, commit: string, path: string): Promise<string | undefined> {
  const slash = path.lastIndexOf('/');
  const parent = slash < 0 ? '' : path.slice(0, slash);
  const name = path.slice(slash + 1);
  const entries = await readTreeAt(ctx, commit, parent);
  const entry = entries?.find((e) => e.path === name);
  return entry?.type === 'blob' ? entry.oid : undefined;
}

/**
 * A file's content and blob sha at `commit`; undefined when absent (or a directory).
 * @example const file = await readFileAt(ctx, head, 'README.md');
 */
export async function readFileAt(
  ctx: GitContext,
  commit: string,
  path: string,
): Promise<{ content: Uint8Array; oid: string } | undefined> {
  try {
    const { blob, oid } = await git.readBlob({ ...ctx, oid: commit, filepath: path });
    return { content: blob, oid };
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * A blob by sha; undefined when the object is absent.
 * @example const bytes = await readBlobByOid(ctx, change.oid);
 */
export async function readBlobByOid(ctx: GitContext, oid: string): Promise<Uint8Array | undefined> {
  try {
    return (await git.readBlob({ ...ctx, oid })).blob;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * One directory level at `commit` ('' = root): dirs first, then files, each by name; undefined when not a directory.
 * @example const entries = await listDirAt(ctx, head, 'guides');
 */
export async function listDirAt(ctx: GitContext, commit: string, path: string): Promise<DirEntry[] | undefined> {
  const entries = await readTreeAt(ctx, commit, path);
  if (!entries) return undefined;
  const prefix = path === '' ? '' : `${path}/`;
  const out: DirEntry[] = [];
  for (const e of entries) {
    if (e.type !== 'blob' && e.type !== 'tree') continue;
    out.push({ path: prefix + e.path, name: e.path, type: e.type === 'tree' ? 'dir' : 'file', oid: e.oid });
  }
  return out.sort((a, b) => (a.type === b.type ? compareNames(a.name, b.name) : a.type === 'dir' ? -1 : 1));
}

/**
 * Every blob at `commit`, recursively, in tree order.
 * @example const files = await listFilesAt(ctx, head);
 */
export async function listFilesAt(ctx: GitContext, commit: string): Promise<FileBlob[]> {
  return (await git.walk({
    ...ctx,
    trees: [git.TREE({ ref: commit })],
    map: async (path, [entry]) => {
      if (path === '.' || !entry) return undefined;
      const type = await entry.type();
      if (type === 'blob') return { path, oid: await entry.oid() };
      return type === 'tree' ? undefined : null;
    },
  })) as FileBlob[];
}

/**
 * Blobs that differ between two commits; unchanged subtrees (equal tree shas) are skipped without being read.
 * @example const changes = await changedFilesBetween(ctx, before, after);
 */
export async function changedFilesBetween(ctx: GitContext, from: string, to: string): Promise<FileChange[]> {
  return (await git.walk({
    ...ctx,
    trees: [git.TREE({ ref: from }), git.TREE({ ref: to })],
    map: async (path, [a, b]) => {
      if (path === '.') return undefined;
      const [typeA, typeB] = await Promise.all([entryType(a), entryType(b)]);
      const [oidA, oidB] = await Promise.all([typeA ? a?.oid() : undefined, typeB ? b?.oid() : undefined]);
      if (typeA && typeA === typeB && oidA === oidB) return null;
      if (typeA === 'blob' && typeB === 'blob') return { path, kind: 'modified', oid: oidB };
      if (typeB === 'blob') return { path, kind: 'added', oid: oidB };
      if (typeA === 'blob') return { path, kind: 'deleted' };
      return undefined;
    },
  })) as FileChange[];
}

/**
 * The most recent commit reachable from `head` that changed `path`; undefined when `path` is absent at `head`.
 * @example const last = await lastCommitAt(ctx, head, 'guide.md');
 */
export async function lastCommitAt(ctx: GitContext, head: string, path: string): Promise<CommitInfo | undefined> {
  try {
    const [entry] = await git.log({ ...ctx, ref: head, filepath: path, depth: 1 });
    if (!entry) return undefined;
    const { author, message } = entry.commit;
    return {
      sha: entry.oid,
      message: message.replace(/\n$/, ''),
      author: { name: author.name, email: author.email },
      timestamp: new Date(author.timestamp * 1000).toISOString(),
    };
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

async function readTreeAt(ctx: GitContext, commit: string, path: string) {
  try {
    const { tree } = await git.readTree({ ...ctx, oid: commit, ...(path === '' ? {} : { filepath: path }) });
    return tree;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

async function entryType(entry: WalkerEntry | null | undefined): Promise<'blob' | 'tree' | undefined> {
  if (!entry) return undefined;
  const type = await entry.type();
  return type === 'blob' || type === 'tree' ? type : undefined;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** isomorphic-git's "no such path/ref/object" errors (and reading a tree as a blob or vice versa). */
export function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'NotFoundError' || code === 'ObjectTypeError' || code === 'ENOENT';
}
