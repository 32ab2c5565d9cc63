import type { Db, SqlRunner } from '../../../lib/db/types.ts';
import type { Chunk } from '../docs/chunk.ts';
import { schemaIdent } from './sql.ts';

/** A document ready to be written: parsed, chunked. */
export interface PreparedDocument {
  path: string;
  namespace: string | null;
  title: string;
  tags: string[];
  metadata: Record<string, unknown>;
  oid: string;
  size: number;
  chunks: Chunk[];
}

/** A chunk just written, with the text to embed. */
export interface WrittenChunk {
  id: number;
  text: string;
}

const json = (value: unknown) => JSON.stringify(value);
const pathList = (param: string) => `(select jsonb_array_elements_text(${param}::text::jsonb))`;

/**
 * The commit the index was last completed at.
 * @example await readIndexedCommit(db, 'kb') // '3f1c…' or undefined
 */
export async function readIndexedCommit(db: SqlRunner, schema: string): Promise<string | undefined> {
  const rows = await db.query<{ commit_sha: string }>(`select commit_sha from ${schemaIdent(schema)}.index_state`);
  return rows[0]?.commit_sha;
}

/**
 * Records the commit the index is complete at (only after every file of a run is written).
 * @example await writeIndexedCommit(db, 'kb', head);
 */
export async function writeIndexedCommit(db: SqlRunner, schema: string, commit: string): Promise<void> {
  await db.query(
    `insert into ${schemaIdent(schema)}.index_state (id, commit_sha, updated_at) values (true, $1, now())
     on conflict (id) do update set commit_sha = excluded.commit_sha, updated_at = now()`,
    [commit],
  );
}

/**
 * Blob shas stored for these paths (absent paths are not in the map).
 * @example (await storedOids(db, 'kb', ['shared/a.md'])).get('shared/a.md')
 */
export async function storedOids(db: SqlRunner, schema: string, paths: string[]): Promise<Map<string, string>> {
  if (paths.length === 0) return new Map();
  const rows = await db.query<{ path: string; blob_oid: string }>(
    `select path, blob_oid from ${schemaIdent(schema)}.documents where path in ${pathList('$1')}`,
    [json(paths)],
  );
  return new Map(rows.map((r) => [r.path, r.blob_oid]));
}

/**
 * Deletes these documents (chunks and embeddings cascade); returns how many existed.
 * @example await deleteDocuments(tx, 'kb', ['shared/old.md']) // 1
 */
export async function deleteDocuments(db: SqlRunner, schema: string, paths: string[]): Promise<number> {
  if (paths.length === 0) return 0;
  const rows = await db.query(
    `delete from ${schemaIdent(schema)}.documents where path in ${pathList('$1')} returning path`,
    [json(paths)],
  );
  return rows.length;
}

/**
 * Deletes every document NOT in `present` (files gone from the repository); returns how many.
 * @example await deleteAbsent(db, 'kb', ['shared/a.md']) // removes everything else
 */
export async function deleteAbsent(db: SqlRunner, schema: string, present: string[]): Promise<number> {
  const rows = await db.query(
    `delete from ${schemaIdent(schema)}.documents d
      where not exists (select 1 from jsonb_array_elements_text($1::text::jsonb) p where p = d.path) returning path`,
    [json(present)],
  );
  return rows.length;
}

/**
 * What a chunk's embedding is computed from: title, heading and content.
 * @example embeddingText('Guide', 'Setup', 'Run it.') // 'Guide\n\nSetup\n\nRun it.'
 */
export const embeddingText = (title: string, heading: string, content: string) =>
  [title, heading, content].filter((part) => part !== '').join('\n\n');

/**
 * (Re)writes documents and their chunks with three statements whatever the batch size: old rows deleted (cascade),
 * documents and chunks inserted from one JSON parameter each, the tsvector computed in the insert (title and
 * heading weighted A, content B). Run it inside a transaction.
 * @example const written = await writeDocuments(tx, 'kb', prepared, head);
 */
export async function writeDocuments(
  tx: SqlRunner,
  schema: string,
  docs: PreparedDocument[],
  commit: string,
): Promise<WrittenChunk[]> {
  if (docs.length === 0) return [];
  const s = schemaIdent(schema);
  await deleteDocuments(tx, schema, docs.map((d) => d.path));
  await tx.query(
    `insert into ${s}.documents (path, namespace, title, tags, metadata, blob_oid, commit_sha, size)
     select x.path, x.namespace, x.title, coalesce(x.tags, '{}'), coalesce(x.metadata, '{}'::jsonb), x.oid, $2, x.size
       from jsonb_to_recordset($1::text::jsonb)
         as x(path text, namespace text, title text, tags text[], metadata jsonb, oid text, size int)`,
    [json(docs.map(({ chunks: _, ...doc }) => doc)), commit],
  );
  const chunkRows = docs.flatMap((d) =>
    d.chunks.map((c) => ({ path: d.path, title: d.title, ordinal: c.ordinal, heading: c.heading, content: c.content, ls: c.lineStart, le: c.lineEnd })),
  );
  if (chunkRows.length === 0) return [];
  const rows = await tx.query<{ id: number; path: string; ordinal: number }>(
    `insert into ${s}.chunks (path, ordinal, heading, content, line_start, line_end, tsv)
     select x.path, x.ordinal, x.heading, x.content, x.ls, x.le,
            setweight(to_tsvector('english', x.title || ' ' || x.heading), 'A') || setweight(to_tsvector('english', x.content), 'B')
       from jsonb_to_recordset($1::text::jsonb)
         as x(path text, title text, ordinal int, heading text, content text, ls int, le int)
     returning id, path, ordinal`,
    [json(chunkRows)],
  );
  const texts = new Map(chunkRows.map((c) => [`${c.ordinal}\u0000${c.path}`, embeddingText(c.title, c.heading, c.content)]));
  return rows.map((r) => ({ id: Number(r.id), text: texts.get(`${r.ordinal}\u0000${r.path}`) ?? '' }));
}

export interface IndexStats {
  documents: number;
  chunks: number;
  commit: string | null;
  embedded: number;
}

/**
 * Counts of the index, and the commit it is complete at.
 * @example await indexStats(db, 'kb', true) // { documents: 12, chunks: 40, commit: '3f1c…', embedded: 40 }
 */
export async function indexStats(db: Db, schema: string, withVectors: boolean): Promise<IndexStats> {
  const s = schemaIdent(schema);
  const [counts] = await db.query<{ documents: number; chunks: number }>(
    `select (select count(*) from ${s}.documents)::int as documents, (select count(*) from ${s}.chunks)::int as chunks`,
  );
  const embedded = withVectors
    ? ((await db.query<{ n: number }>(`select count(*)::int as n from ${s}.embeddings`))[0]?.n ?? 0)
    : 0;
  return {
    documents: counts?.documents ?? 0,
    chunks: counts?.chunks ?? 0,
    commit: (await readIndexedCommit(db, schema)) ?? null,
    embedded,
  };
}
