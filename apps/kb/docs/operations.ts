import { ApiError } from '../../../lib/errors/api-error.ts';
import type { Db } from '../../../lib/db/types.ts';
import { assertCanRead, assertCanWrite, type KbAccess } from '../access/access.ts';
import type { CommitAuthor, CommitInfo, DirEntry } from '../git/types.ts';
import type { KnowledgeBase } from '../knowledge-base.ts';
import { buildContext } from '../search/context.ts';
import { searchDocuments } from '../search/search.ts';
import type { ContextRequest, ContextResult, Embedder, SearchHit, SearchQuery } from '../search/types.ts';
import { translated, validPath } from './errors.ts';
import { isBinary, parseDocument } from './front-matter.ts';
import { namespaceOf } from './paths.ts';

/** What the document operations work on; shared by the HTTP routes and the MCP tools. */
export interface KbOps {
  kb: KnowledgeBase;
  db: Db;
  schema: string;
  maxFileBytes: number;
  embedder?: Embedder;
}

export interface DocumentView {
  path: string;
  namespace: string | null;
  title: string;
  tags: string[];
  metadata: Record<string, unknown>;
  content: string;
  /** Blob sha: send it back as `If-Match` to update only this version. */
  sha: string;
  size: number;
  lastCommit: CommitInfo | null;
}

export interface TreeEntry {
  path: string;
  name: string;
  type: 'file' | 'dir';
  title: string | null;
}

export interface WriteOutcome {
  path: string;
  sha: string;
  commit: string;
  created: boolean;
}

const decoder = new TextDecoder();

/** The author of a caller's commits: their email when known, else their id. */
export function authorOf(access: KbAccess): CommitAuthor {
  const { userId, email } = access.principal;
  return { name: email ?? userId, email: email ?? `${userId}@users.gaia.invalid` };
}

/** One document with its front matter and last commit; 403 outside the caller's namespaces, 404 when absent. */
export async function readDocument(ops: KbOps, access: KbAccess, rawPath: string): Promise<DocumentView> {
  const path = validPath(rawPath, 'file');
  assertCanRead(access, path);
  const { repo } = ops.kb.runtime();
  const file = await repo.readFile(path);
  if (!file) throw new ApiError('NOT_FOUND', `No document at ${path}`);
  const text = decoder.decode(file.content);
  const parsed = parsedOrNull(path, text);
  return {
    path,
    namespace: namespaceOf(path),
    title: parsed?.title ?? path.split('/').at(-1) ?? path,
    tags: parsed?.tags ?? [],
    metadata: parsed?.metadata ?? {},
    content: text,
    sha: file.oid,
    size: file.content.byteLength,
    lastCommit: (await repo.lastCommit(path)) ?? null,
  };
}

/**
 * One directory level, showing only what the caller may read (and the folders leading to it), with document titles
 * from the index.
 */
export async function listTree(ops: KbOps, access: KbAccess, rawPath: string): Promise<TreeEntry[]> {
  const path = validPath(rawPath, 'dir');
  const { repo } = ops.kb.runtime();
  const visible = (entry: DirEntry) =>
    access.canRead(entry.path) ||
    (entry.type === 'dir' && (access.scope.all || access.scope.prefixes.some((prefix) => prefix.startsWith(`${entry.path}/`))));
  if (path !== '' && !access.canRead(`${path}/x`) && !visible({ path, name: '', type: 'dir', oid: '' })) {
    throw new ApiError('FORBIDDEN', `You may not read ${path}/`);
  }
  const entries = await repo.listDir(path);
  if (!entries) throw new ApiError('NOT_FOUND', `No folder at ${path || '/'}`);
  const shown = entries.filter(visible);
  const files = shown.filter((e) => e.type === 'file').map((e) => e.path);
  const titles = new Map<string, string>();
  if (files.length > 0) {
    const rows = await ops.db.query<{ path: string; title: string }>(
      `select path, title from ${ops.schema}.documents where path = any($1::text[])`,
      [files],
    );
    for (const row of rows) titles.set(row.path, row.title);
  }
  return shown.map((e) => ({ path: e.path, name: e.name, type: e.type, title: titles.get(e.path) ?? null }));
}

/** A document pushed with bad front matter is still readable: as plain text, without metadata. */
function parsedOrNull(path: string, text: string): ReturnType<typeof parseDocument> | null {
  try {
    return parseDocument(path, text);
  } catch {
    return null;
  }
}

/** C0 control characters other than tab, newline, vertical tab, form feed and carriage return. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && (code < 0x09 || code > 0x0d)) return true;
  }
  return false;
}

function checkedContent(ops: KbOps, path: string, content: string): Uint8Array {
  const bytes = new TextEncoder().encode(content);
  if (bytes.byteLength > ops.maxFileBytes) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `Documents may be at most ${ops.maxFileBytes} bytes; this one is ${bytes.byteLength}`, {
      details: { limit: ops.maxFileBytes, size: bytes.byteLength },
    });
  }
  if (isBinary(bytes) || hasControlCharacters(content)) {
    throw new ApiError('KB_BINARY_CONTENT', 'Documents must be UTF-8 text without control characters');
  }
  parseOrThrow(path, content);
  return bytes;
}

function parseOrThrow(path: string, content: string): void {
  try {
    parseDocument(path, content);
  } catch (err) {
    throw new ApiError('KB_INVALID_FRONT_MATTER', err instanceof Error ? err.message : 'Invalid front matter');
  }
}

/** Creates or replaces a document as one commit; `ifMatch` makes it conditional on the current blob sha. */
export async function writeDocument(
  ops: KbOps,
  access: KbAccess,
  rawPath: string,
  input: { content: string; message?: string | undefined; ifMatch?: string | undefined },
): Promise<WriteOutcome> {
  const path = validPath(rawPath, 'file');
  assertCanWrite(access, path);
  const content = checkedContent(ops, path, input.content);
  const { repo } = ops.kb.runtime();
  const existed = (await repo.readFile(path)) !== undefined;
  const result = await translated(() =>
    repo.commit({
      ops: [{ kind: 'write', path, content }],
      message: input.message ?? `${existed ? 'Update' : 'Create'} ${path}`,
      author: authorOf(access),
      ...(input.ifMatch ? { ifMatch: { path, oid: input.ifMatch } } : {}),
    }),
  );
  await ops.kb.refreshIndex();
  return { path, sha: result.oids[path] ?? '', commit: result.sha, created: !existed };
}

/** Deletes a document as one commit. */
export async function deleteDocument(
  ops: KbOps,
  access: KbAccess,
  rawPath: string,
  input: { message?: string | undefined; ifMatch?: string | undefined } = {},
): Promise<{ path: string; commit: string }> {
  const path = validPath(rawPath, 'file');
  assertCanWrite(access, path);
  const { repo } = ops.kb.runtime();
  const result = await translated(() =>
    repo.commit({
      ops: [{ kind: 'delete', path }],
      message: input.message ?? `Delete ${path}`,
      author: authorOf(access),
      ...(input.ifMatch ? { ifMatch: { path, oid: input.ifMatch } } : {}),
    }),
  );
  await ops.kb.refreshIndex();
  return { path, commit: result.sha };
}

/** Moves (renames) a document as one commit; the caller must be able to write both places. */
export async function moveDocument(
  ops: KbOps,
  access: KbAccess,
  input: { from: string; to: string; message?: string | undefined },
): Promise<WriteOutcome & { from: string }> {
  const from = validPath(input.from, 'file');
  const to = validPath(input.to, 'file');
  assertCanWrite(access, from);
  assertCanWrite(access, to);
  if (from === to) throw new ApiError('BAD_REQUEST', 'The document is already there');
  const { repo } = ops.kb.runtime();
  const result = await translated(() =>
    repo.commit({ ops: [{ kind: 'move', from, to }], message: input.message ?? `Move ${from} to ${to}`, author: authorOf(access) }),
  );
  await ops.kb.refreshIndex();
  return { from, path: to, sha: result.oids[to] ?? '', commit: result.sha, created: true };
}

/** Search within what the caller may read; an explicit namespace the caller can't read is a 403. */
export async function searchKb(ops: KbOps, access: KbAccess, query: SearchQuery): Promise<SearchHit[]> {
  if (query.namespace) assertCanRead(access, `${query.namespace}/x.md`);
  const { semantic } = ops.kb.runtime();
  return translated(() =>
    searchDocuments({ db: ops.db, schema: ops.schema, vectors: semantic, ...(ops.embedder ? { embedder: ops.embedder } : {}) }, query, access.scope),
  );
}

/** The passages most relevant to a query (or one document's), within a token budget. */
export async function contextFor(ops: KbOps, access: KbAccess, request: ContextRequest): Promise<ContextResult> {
  const path = request.path === undefined ? undefined : validPath(request.path, 'file');
  if (path) assertCanRead(access, path);
  const { semantic } = ops.kb.runtime();
  return translated(() =>
    buildContext(
      { db: ops.db, schema: ops.schema, vectors: semantic, ...(ops.embedder ? { embedder: ops.embedder } : {}) },
      { ...request, ...(path ? { path } : {}) },
      access.scope,
    ),
  );
}
