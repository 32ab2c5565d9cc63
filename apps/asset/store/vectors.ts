import type { Db, SqlRunner } from '../../../lib/db/types.ts';
import { toVectorLiteral } from '../../../lib/openai/embeddings.ts';
import { ASSET_COLUMNS, type AssetRecord, assetOf, type ReuseQuery } from './assets.ts';

export type VectorsStatus = { ok: true } | { ok: false; reason: string };

/** What an asset is embedded from, and what a request is compared with: its description and style. */
export const embeddingTextOf = (asset: { description: string; style: string }): string => `${asset.description} ${asset.style}`.trim();

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Asset embeddings for semantic reuse: `<schema>.asset_embeddings`, one vector per asset (removed with it), made only
 * where the database has pgvector (the embedded PGlite has; Debian's PostgreSQL has not). The search is exact — a
 * scan of the assets the caller may see in one category — so no approximate index can miss a match behind its filters.
 */
export class AssetVectors {
  readonly #s: string;

  constructor(schema: string) {
    this.#s = `"${schema}"`;
  }

  /**
   * `create extension if not exists vector`, then the table for vectors of `dimensions`. Idempotent; a table of other
   * dimensions is dropped and made anew (vectors are derived data: the backfill re-makes them). Never throws: says
   * why vectors are unavailable instead.
   */
  async enable(db: Db, dimensions: number): Promise<VectorsStatus> {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000) {
      return { ok: false, reason: `embedding dimensions must be a whole number from 1 to 16000 (got ${dimensions})` };
    }
    try {
      await db.exec('create extension if not exists vector');
    } catch (err) {
      // Another service may have created it at the same moment (the statement races); only its absence counts.
      const present = await db.query(`select 1 from pg_extension where extname = 'vector'`).catch(() => []);
      if (present.length === 0) {
        return { ok: false, reason: `the database has no pgvector extension (${describe(err)})` };
      }
    }
    try {
      await db.transaction(async (tx) => {
        // Serialises instances starting together (`if not exists` DDL races between sessions).
        await tx.query(`select pg_advisory_xact_lock(hashtext('asset:vectors:' || $1::text))`, [this.#s]);
        const rows = await tx.query<{ dims: number }>(
          `select a.atttypmod as dims from pg_attribute a
            where a.attrelid = to_regclass($1) and a.attname = 'embedding' and not a.attisdropped`,
          [`${this.#s}.asset_embeddings`],
        );
        const existing = rows[0]?.dims;
        if (existing !== undefined && Number(existing) !== dimensions) await tx.exec(`drop table ${this.#s}.asset_embeddings`);
        await tx.exec(`
          create table if not exists ${this.#s}.asset_embeddings (
            asset_id uuid primary key references ${this.#s}.assets (id) on delete cascade,
            model text not null,
            embedding vector(${dimensions}) not null
          )`);
      });
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: `the asset embeddings table could not be made (${describe(err)})` };
    }
  }

  /** Stores (or replaces) vectors of assets; assets deleted meanwhile are skipped. */
  async put(db: SqlRunner, model: string, items: { assetId: string; vector: readonly number[] }[]): Promise<void> {
    if (items.length === 0) return;
    const rows = items.map((i) => ({ id: i.assetId, v: toVectorLiteral(i.vector) }));
    await db.query(
      `insert into ${this.#s}.asset_embeddings (asset_id, model, embedding)
       select x.id, $2, x.v::vector from jsonb_to_recordset($1::text::jsonb) as x(id uuid, v text)
        where exists (select 1 from ${this.#s}.assets a where a.id = x.id)
       on conflict (asset_id) do update set model = excluded.model, embedding = excluded.embedding`,
      [JSON.stringify(rows), model],
    );
  }

  /** Gives a reuse record (the caller's own over another's files) the vector of the asset it came from. */
  async copy(tx: SqlRunner, fromId: string, toId: string): Promise<void> {
    await tx.query(
      `insert into ${this.#s}.asset_embeddings (asset_id, model, embedding)
       select $2, model, embedding from ${this.#s}.asset_embeddings where asset_id = $1
       on conflict (asset_id) do nothing`,
      [fromId, toId],
    );
  }

  /** Live assets with no vector of `model` yet (made before embeddings were on, or whose embedding failed). */
  async missing(db: SqlRunner, model: string, limit: number): Promise<{ id: string; text: string }[]> {
    const rows = await db.query<{ id: string; description: string; style: string }>(
      `select a.id, a.description, a.style from ${this.#s}.assets a
        where a.deleted_at is null
          and not exists (select 1 from ${this.#s}.asset_embeddings e where e.asset_id = a.id and e.model = $1)
        order by a.created_at desc limit $2`,
      [model, limit],
    );
    return rows.map((r) => ({ id: r.id, text: embeddingTextOf(r) }));
  }

  /**
   * The closest asset the caller may see (their own or a public one, same category and format) by cosine similarity
   * to `vector`, when it reaches `minSimilarity`.
   */
  async nearest(
    db: SqlRunner,
    query: Omit<ReuseQuery, 'text' | 'minScore'> & { vector: readonly number[]; model: string; minSimilarity: number },
  ): Promise<{ asset: AssetRecord; score: number } | null> {
    const rows = await db.query(
      `with nearest as (
         select a.*, 1 - (e.embedding <=> $1::vector) as score
           from ${this.#s}.assets a join ${this.#s}.asset_embeddings e on e.asset_id = a.id
          where a.deleted_at is null and e.model = $2 and a.category = $3 and (a.owner_id = $4 or a.visibility = 'public')
            and ($5::text is null or a.file_format = $5)
          order by e.embedding <=> $1::vector, a.created_at desc
          limit 1
       )
       select ${ASSET_COLUMNS}, score from nearest where score >= $6`,
      [toVectorLiteral(query.vector), query.model, query.category, query.ownerId, query.format ?? null, query.minSimilarity],
    );
    const row = rows[0];
    return row ? { asset: assetOf(row), score: Number(row.score) } : null;
  }
}
