import type { Db } from '../../../lib/db/types.ts';
import { schemaIdent } from './sql.ts';

export type VectorsStatus = { ok: true } | { ok: false; reason: string };

/** pgvector's HNSW index takes vectors of at most this many dimensions. */
const HNSW_MAX_DIMENSIONS = 2000;

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function currentDimensions(db: Db, schema: string): Promise<number | undefined> {
  const rows = await db.query<{ dims: number }>(
    `select a.atttypmod as dims from pg_attribute a
      where a.attrelid = to_regclass($1) and a.attname = 'embedding' and not a.attisdropped`,
    [`${schemaIdent(schema)}.embeddings`],
  );
  return rows[0]?.dims;
}

/**
 * Turns on vector storage: `create extension if not exists vector`, then `<schema>.embeddings` (one vector per
 * chunk, cascaded with it) with an HNSW cosine index. Idempotent; a table of other dimensions is dropped and
 * recreated (embeddings are derived data, re-made by the next index update). Never throws for a missing extension:
 * returns why vectors are unavailable instead.
 * @example const vectors = await enableVectors(db, 'kb', embedder.dimensions); if (!vectors.ok) log.warn(vectors.reason);
 */
export async function enableVectors(db: Db, schema: string, dimensions: number): Promise<VectorsStatus> {
  const s = schemaIdent(schema);
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000) {
    return { ok: false, reason: `Embedding dimensions must be an integer from 1 to 16000 (got ${dimensions})` };
  }
  try {
    await db.exec('create extension if not exists vector');
  } catch (err) {
    return {
      ok: false,
      reason: `The database has no pgvector extension (${describe(err)}): semantic search needs PostgreSQL with pgvector, or the embedded PGlite`,
    };
  }
  try {
    const existing = await currentDimensions(db, schema);
    await db.transaction(async (tx) => {
      // Serialises instances starting together (`if not exists` DDL races between sessions).
      await tx.query(`select pg_advisory_xact_lock(hashtext('kb:vectors:' || $1::text))`, [schema]);
      if (existing !== undefined && existing !== dimensions) await tx.exec(`drop table if exists ${s}.embeddings`);
      await tx.exec(`
        create table if not exists ${s}.embeddings (
          chunk_id bigint primary key references ${s}.chunks (id) on delete cascade,
          model text not null,
          embedding vector(${dimensions}) not null
        )`);
      if (dimensions <= HNSW_MAX_DIMENSIONS) {
        await tx.exec(
          `create index if not exists embeddings_hnsw_idx on ${s}.embeddings using hnsw (embedding vector_cosine_ops)`,
        );
      }
    });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `Could not create the embeddings table: ${describe(err)}` };
  }
}

/**
 * True when `<schema>.embeddings` exists (vectors were enabled in this database).
 * @example if (await hasVectorTable(db, 'kb')) { ... }
 */
export async function hasVectorTable(db: Db, schema: string): Promise<boolean> {
  const rows = await db.query<{ t: string | null }>('select to_regclass($1)::text as t', [`${schemaIdent(schema)}.embeddings`]);
  return rows[0]?.t != null;
}
