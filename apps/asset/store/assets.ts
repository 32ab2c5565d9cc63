import type { Row, SqlRunner } from '../../../lib/db/types.ts';
import type { AssetCategory, AssetKind } from '../providers/types.ts';

/** A stored file of an asset (the main one first). */
export interface AssetFile {
  name: string;
  key: string;
  contentType: string;
  format: string;
  sizeBytes: number;
}

/** One row of `<schema>.assets`. */
export interface AssetRecord {
  id: string;
  ownerId: string;
  jobId: string | null;
  originAssetId: string | null;
  source: 'generated' | 'database';
  visibility: 'private' | 'public';
  category: AssetCategory;
  kind: AssetKind;
  style: string;
  description: string;
  tags: string[];
  requestHash: string;
  provider: string;
  model: string | null;
  costMicros: number;
  generationMs: number;
  quality: string | null;
  files: AssetFile[];
  fileKey: string;
  fileFormat: string;
  contentType: string;
  sizeBytes: number;
  previewKey: string | null;
  storageKind: string;
  sessionId: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

export type NewAsset = Omit<AssetRecord, 'createdAt'>;

export const ASSET_COLUMNS = `id, owner_id, job_id, origin_asset_id, source, visibility, category, kind, style, description, tags,
  request_hash, provider, model, cost_micros, generation_ms, quality, files, file_key, file_format, content_type,
  size_bytes, preview_key, storage_kind, session_id, metadata, created_at`;

export function assetOf(row: Row): AssetRecord {
  return {
    id: String(row.id),
    ownerId: String(row.owner_id),
    jobId: (row.job_id as string | null) ?? null,
    originAssetId: (row.origin_asset_id as string | null) ?? null,
    source: row.source as AssetRecord['source'],
    visibility: row.visibility as AssetRecord['visibility'],
    category: row.category as AssetCategory,
    kind: row.kind as AssetKind,
    style: String(row.style),
    description: String(row.description),
    tags: (row.tags as string[] | null) ?? [],
    requestHash: String(row.request_hash),
    provider: String(row.provider),
    model: (row.model as string | null) ?? null,
    costMicros: Number(row.cost_micros),
    generationMs: Number(row.generation_ms),
    quality: (row.quality as string | null) ?? null,
    files: row.files as AssetFile[],
    fileKey: String(row.file_key),
    fileFormat: String(row.file_format),
    contentType: String(row.content_type),
    sizeBytes: Number(row.size_bytes),
    previewKey: (row.preview_key as string | null) ?? null,
    storageKind: String(row.storage_kind),
    sessionId: (row.session_id as string | null) ?? null,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    createdAt: new Date(row.created_at as string | Date),
  };
}

/** Words of a text as the reuse search counts them (letters and digits, lowercased). */
export const wordsOf = (text: string): string[] => [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];

export interface ReuseQuery {
  /** The caller: their own assets and public ones are candidates. */
  ownerId: string;
  category: AssetCategory;
  /** Description and style words of the request. */
  text: string;
  format?: string;
  /** 0–1: the share of the request's words (stemmed) an asset must have to count as a match. */
  minScore: number;
}

/**
 * SQL over `<schema>.assets` (soft-deleted rows are invisible). Reuse search is PostgreSQL full text (`english`):
 * candidates share at least one stemmed word with the request (GIN index), and the score is the share of the
 * request's words the asset has (description, tags and style), so "a red dragon" matches "red dragon guarding a
 * castle" fully and "a blue fish" not at all; ties go to the closest `ts_rank` and then the newest.
 */
export class AssetStore {
  readonly #t: string;

  constructor(schema: string) {
    this.#t = `"${schema}".assets`;
  }

  async insert(tx: SqlRunner, asset: NewAsset): Promise<AssetRecord> {
    const rows = await tx.query(
      `insert into ${this.#t} (id, owner_id, job_id, origin_asset_id, source, visibility, category, kind, style, description,
         tags, request_hash, provider, model, cost_micros, generation_ms, quality, files, file_key, file_format, content_type,
         size_bytes, preview_key, storage_kind, session_id, metadata, search_tsv)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
         $24, $25, $26,
         setweight(to_tsvector('english', $10), 'A') || setweight(to_tsvector('english', array_to_string($11::text[], ' ')), 'B')
           || setweight(to_tsvector('english', $9), 'C'))
       returning ${ASSET_COLUMNS}`,
      [
        asset.id,
        asset.ownerId,
        asset.jobId,
        asset.originAssetId,
        asset.source,
        asset.visibility,
        asset.category,
        asset.kind,
        asset.style,
        asset.description,
        asset.tags,
        asset.requestHash,
        asset.provider,
        asset.model,
        asset.costMicros,
        asset.generationMs,
        asset.quality,
        asset.files,
        asset.fileKey,
        asset.fileFormat,
        asset.contentType,
        asset.sizeBytes,
        asset.previewKey,
        asset.storageKind,
        asset.sessionId,
        asset.metadata,
      ],
    );
    return assetOf(rows[0] as Row);
  }

  async get(db: SqlRunner, id: string): Promise<AssetRecord | null> {
    const rows = await db.query(`select ${ASSET_COLUMNS} from ${this.#t} where id = $1 and deleted_at is null`, [id]);
    return rows[0] ? assetOf(rows[0]) : null;
  }

  /** Live assets among `ids` (any order). */
  async getMany(db: SqlRunner, ids: string[]): Promise<AssetRecord[]> {
    if (ids.length === 0) return [];
    const rows = await db.query(`select ${ASSET_COLUMNS} from ${this.#t} where id = any($1::uuid[]) and deleted_at is null`, [ids]);
    return rows.map(assetOf);
  }

  /** The caller's newest asset made from the same request (dedup). */
  async findByHash(db: SqlRunner, ownerId: string, requestHash: string): Promise<AssetRecord | null> {
    const rows = await db.query(
      `select ${ASSET_COLUMNS} from ${this.#t} where owner_id = $1 and request_hash = $2 and deleted_at is null
       order by created_at desc limit 1`,
      [ownerId, requestHash],
    );
    return rows[0] ? assetOf(rows[0]) : null;
  }

  /** A page of assets, newest first, and how many there are in all. `ownerId` absent = everyone's (admins). */
  async list(db: SqlRunner, ownerId: string | undefined, limit: number, offset: number): Promise<{ assets: AssetRecord[]; total: number }> {
    const owned = 'owner_id = $1 and deleted_at is null';
    const everyone = '$1::uuid is null and deleted_at is null';
    const where = `where ${ownerId ? owned : everyone}`;
    const rows = await db.query(`select ${ASSET_COLUMNS} from ${this.#t} ${where} order by created_at desc, id desc limit $2 offset $3`, [
      ownerId ?? null,
      limit,
      offset,
    ]);
    const counted = await db.query<{ n: number }>(`select count(*)::int as n from ${this.#t} ${where}`, [ownerId ?? null]);
    return { assets: rows.map(assetOf), total: Number(counted[0]?.n ?? 0) };
  }

  /** The best reusable asset for a request, with its score, when one reaches `minScore`. */
  async findReusable(db: SqlRunner, query: ReuseQuery): Promise<{ asset: AssetRecord; score: number } | null> {
    const words = wordsOf(query.text);
    if (words.length === 0) return null;
    const rows = await db.query(
      `with q as (
         select array(select distinct unnest(tsvector_to_array(to_tsvector('english', $1)))) as lexemes,
           websearch_to_tsquery('english', $2) as query
       ),
       candidates as (
         select a.*, cardinality(array(select unnest(q.lexemes) intersect select unnest(tsvector_to_array(a.search_tsv))))::float8
             / greatest(cardinality(q.lexemes), 1) as score,
           ts_rank(a.search_tsv, q.query) as rank
         from ${this.#t} a, q
         where a.deleted_at is null and a.category = $3 and (a.owner_id = $4 or a.visibility = 'public')
           and ($5::text is null or a.file_format = $5) and a.search_tsv @@ q.query
       )
       select ${ASSET_COLUMNS}, score from candidates where score >= $6 order by score desc, rank desc, created_at desc limit 1`,
      [words.join(' '), words.join(' or '), query.category, query.ownerId, query.format ?? null, query.minScore],
    );
    const row = rows[0];
    return row ? { asset: assetOf(row), score: Number(row.score) } : null;
  }

  /** Soft-deletes an asset; the row it was (or null when there was none). */
  async markDeleted(tx: SqlRunner, id: string): Promise<AssetRecord | null> {
    const rows = await tx.query(`update ${this.#t} set deleted_at = now() where id = $1 and deleted_at is null returning ${ASSET_COLUMNS}`, [id]);
    return rows[0] ? assetOf(rows[0]) : null;
  }

  /** Whether any live asset still uses a stored file (reuses share their origin's files). */
  async fileInUse(db: SqlRunner, key: string): Promise<boolean> {
    const rows = await db.query(`select 1 from ${this.#t} where file_key = $1 and deleted_at is null limit 1`, [key]);
    return rows.length > 0;
  }
}
