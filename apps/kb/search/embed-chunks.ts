import type { Db } from '../../../lib/db/types.ts';
import { embeddingText, type WrittenChunk } from './index-store.ts';
import { schemaIdent } from './sql.ts';
import type { Embedder } from './types.ts';
import { toVectorLiteral } from '../../../lib/openai/embeddings.ts';

export interface EmbedDeps {
  db: Db;
  schema: string;
  embedder: Embedder;
  /** Texts per embeddings request. Default 64. */
  batchSize?: number;
  signal?: AbortSignal | undefined;
}

/**
 * Embeds chunks and stores their vectors (upsert; chunks deleted meanwhile are skipped). Throws what the embedder
 * throws: the caller decides whether that fails anything.
 * @example await embedChunks({ db, schema: 'kb', embedder }, written);
 */
export async function embedChunks(deps: EmbedDeps, chunks: WrittenChunk[], onBatch?: (n: number) => void): Promise<void> {
  const { db, embedder, signal } = deps;
  const s = schemaIdent(deps.schema);
  const size = deps.batchSize ?? 64;
  for (let i = 0; i < chunks.length; i += size) {
    signal?.throwIfAborted();
    const batch = chunks.slice(i, i + size);
    const vectors = await embedder.embed(
      batch.map((c) => c.text),
      signal,
    );
    if (vectors.length !== batch.length) {
      throw new Error(`The embeddings provider returned ${vectors.length} vectors for ${batch.length} texts`);
    }
    const rows = batch.map((c, j) => ({ id: c.id, v: toVectorLiteral(vectors[j]!) }));
    await db.query(
      `insert into ${s}.embeddings (chunk_id, model, embedding)
       select x.id, $2, x.v::vector from jsonb_to_recordset($1::text::jsonb) as x(id bigint, v text)
        where exists (select 1 from ${s}.chunks c where c.id = x.id)
       on conflict (chunk_id) do update set model = excluded.model, embedding = excluded.embedding`,
      [JSON.stringify(rows), embedder.model],
    );
    onBatch?.(batch.length);
  }
}

/**
 * Embeds every chunk still lacking a vector of the embedder's model (left by a failed provider, an interrupted run
 * or a model change), page by page in id order.
 * @example await embedMissing({ db, schema: 'kb', embedder }, (n) => progress(n));
 */
export async function embedMissing(deps: EmbedDeps, onBatch?: (n: number) => void): Promise<void> {
  const s = schemaIdent(deps.schema);
  const page = (deps.batchSize ?? 64) * 8;
  let after = 0;
  for (;;) {
    deps.signal?.throwIfAborted();
    const rows = await deps.db.query<{ id: number; title: string; heading: string; content: string }>(
      `select c.id, d.title, c.heading, c.content
         from ${s}.chunks c join ${s}.documents d on d.path = c.path
        where c.id > $1
          and not exists (select 1 from ${s}.embeddings e where e.chunk_id = c.id and e.model = $2)
        order by c.id limit $3`,
      [after, deps.embedder.model, page],
    );
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.id);
    const chunks = rows.map((r) => ({ id: Number(r.id), text: embeddingText(r.title, r.heading, r.content) }));
    await embedChunks(deps, chunks, onBatch);
  }
}
