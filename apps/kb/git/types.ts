/**
 * The knowledge base's Git repository, as the rest of the kb service sees it (implemented over isomorphic-git in
 * `repo.ts`; sync in `sync.ts`). Paths are repository-relative POSIX paths (`shared/guide.md`), already validated
 * by `docs/paths.ts`; shas are 40-hex strings.
 */

export interface CommitAuthor {
  name: string;
  email: string;
}

export interface CommitInfo {
  sha: string;
  message: string;
  author: CommitAuthor;
  /** ISO-8601. */
  timestamp: string;
}

export interface DirEntry {
  /** Full repository-relative path. */
  path: string;
  name: string;
  type: 'file' | 'dir';
  /** Blob sha for files, tree sha for directories. */
  oid: string;
}

export interface FileBlob {
  path: string;
  oid: string;
}

export interface FileChange {
  path: string;
  kind: 'added' | 'modified' | 'deleted';
  /** The new blob sha (absent for `deleted`). */
  oid?: string;
}

export type WriteOp =
  | { kind: 'write'; path: string; content: Uint8Array }
  | { kind: 'delete'; path: string }
  | { kind: 'move'; from: string; to: string };

export interface CommitRequest {
  ops: WriteOp[];
  message: string;
  author: CommitAuthor;
  /** Optimistic concurrency: the blob sha `path` must have at HEAD (checked inside the write lock). */
  ifMatch?: { path: string; oid: string };
}

export interface CommitResult {
  sha: string;
  /** Blob shas of written/moved paths after the commit. */
  oids: Record<string, string>;
}

/** Reading and committing; every commit is serialized (one writer at a time), so concurrent writes never lose one. */
export interface KbRepo {
  readonly dir: string;
  readonly branch: string;
  /** Commit sha of the branch head; undefined for an empty repository with no commit yet. */
  head(): Promise<string | undefined>;
  /** A file at `ref` (default head); undefined when absent. */
  readFile(path: string, ref?: string): Promise<{ content: Uint8Array; oid: string } | undefined>;
  /** A blob by its sha (what the indexer reads: no commit or tree walk per file); undefined when absent. */
  readBlob(oid: string): Promise<Uint8Array | undefined>;
  /** One directory level at head ('' = root), dirs first then files, by name; undefined when not a directory. */
  listDir(path: string): Promise<DirEntry[] | undefined>;
  /** Every file (blob) at `ref` (default head), recursively. */
  listFiles(ref?: string): Promise<FileBlob[]>;
  /** Files that differ between two commits; `from` undefined = everything at `to` is `added`. */
  changedFiles(from: string | undefined, to: string): Promise<FileChange[]>;
  /** The most recent commit that touched `path` (from head). */
  lastCommit(path: string): Promise<CommitInfo | undefined>;
  /** Applies ops as ONE commit on the branch (working tree updated too). */
  commit(request: CommitRequest): Promise<CommitResult>;
}

export interface SyncStatus {
  branch: string;
  head: string | null;
  /** Remote URL without credentials; null when the repository is local only. */
  remote: string | null;
  ahead: number;
  behind: number;
  /** ISO-8601 of the last completed sync attempt, null before the first. */
  lastSyncAt: string | null;
  lastError: { code: string; message: string } | null;
  /** Files both sides changed, when the last pull found a conflict (local branch left as it was). */
  conflict: { paths: string[]; remoteHead: string } | null;
  syncing: boolean;
}

export interface SyncResult {
  /** Head before and after pulling; equal when nothing came in. */
  before: string | null;
  after: string | null;
  /** How the pull was applied. */
  pull: 'none' | 'fast-forward' | 'merge' | 'conflict' | 'skipped';
  /** Commits pushed to the remote. */
  pushed: number;
  status: SyncStatus;
}
