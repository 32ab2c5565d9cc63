import type { Db, SqlRunner } from '../../../lib/db/types.ts';
import { capPerDocument, type ChunkRow, type RankedChunk, type RankLimits } from './ranked-chunk.ts';
import { excerpt } from './snippet.ts';
import { type DocumentFilters, filterSql, schemaIdent } from './sql.ts';
import type { Embedder } from './types.ts';
import { toVectorLiteral } from '../../../lib/openai/embeddings.ts';

/** Nearest chunks fetched per wanted hit, before the per-document cap. */
const OVERFETCH = 4;

const iterativeScan = new WeakMap<Db, Promise<boolean>>();

/** pgvector 0.8+ can keep scanning the HNSW index until enough rows pass the filters (else a narrow scope finds few). */
function supportsIterativeScan(db: Db): Promise<boolean> {
  let known = iterativeScan.get(db);
  if (!known) {
    known = db
      .query<{ v: string }>(`select extversion as v from pg_extension where extname = 'vector'`)
      .then((rows) => {
        const [major = 0, minor = 0] = (rows[0]?.v ?? '0').split('.').map(Number);
        return major > 0 || minor >= 8;
      })
      .catch(() => false);
    iterativeScan.set(db, known);
  }
  return known;
}

async function nearest(tx: SqlRunner, sql: string, params: unknown[], iterative: boolean): Promise<ChunkRow[]> {
  await tx.query(`select set_config('hnsw.ef_search', '200', true)`);
  if (iterative) await tx.query(`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
  return tx.query<ChunkRow>(sql, params);
}

/**
 * Semantic ranking: the query is embedded and chunks ordered by cosine distance (`<=>`) to it, with the same
 * filters as full text (read scope in SQL). Score = 1 - distance. Needs vectors enabled (`enableVectors`).
 * @example await semanticChunks({ db, schema: 'kb', embedder }, 'how do we ship', { scope }, { limit: 10, perDocument: 2 });
 */
export async function semanticChunks(
  deps: { db: Db; schema: string; embedder: Embedder },
  q: string,
  filters: DocumentFilters,
  limits: RankLimits,
): Promise<RankedChunk[]> {
  const s = schemaIdent(deps.schema);
  const [vector] = await deps.embedder.embed([q]);
  if (!vector) throw new Error('The embeddings provider returned no vector for the query');
  const params: unknown[] = [toVectorLiteral(vector), deps.embedder.model, limits.limit * OVERFETCH];
  const where = filterSql(filters, params);
  const sql = `
    select c.id, c.path, d.title, c.heading, c.content, c.line_start, c.line_end,
           1 - (e.embedding <=> $1::text::vector) as score
      from ${s}.embeddings e
      join ${s}.chunks c on c.id = e.chunk_id
      join ${s}.documents d on d.path = c.path
     where e.model = $2::text and ${where}
     order by e.embedding <=> $1::text::vector
     limit $3::int`;
  const iterative = await supportsIterativeScan(deps.db);
  const rows = await deps.db.transaction((tx) => nearest(tx, sql, params, iterative));
  const ranked = rows
    .map((r) => ({
      id: Number(r.id),
      path: r.path,
      title: r.title,
      heading: r.heading,
      content: r.content,
      snippet: excerpt(r.content),
      score: Number(r.score),
      lineStart: r.line_start,
      lineEnd: r.line_end,
    }))
    .sort((a, b) => b.score - a.score);
  return capPerDocument(ranked, limits);
}
