import type { Db, SqlRunner } from '../../../lib/db/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { Embedder } from '../../../lib/openai/embeddings.ts';
import type { AssetRecord, ReuseQuery } from '../store/assets.ts';
import { AssetVectors, embeddingTextOf } from '../store/vectors.ts';

export interface SemanticReuseOptions {
  db: Db;
  logger: Logger;
  /** Our SQL schema (`asset`). */
  schema: string;
  embedder: Embedder;
  /** 0–1: the cosine similarity an asset must reach to be reused. */
  minSimilarity: number;
  /** The longest a request waits for its embedding before it goes on without (full text only). Default 5 s. */
  timeoutMs?: number;
  /** Assets embedded per backfill request. Default 64. */
  batchSize?: number;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Reuse by meaning, where the database has pgvector and an embeddings provider is configured: every asset's
 * description and style are embedded (when it is made, and by a backfill for older ones), and a request that no
 * asset matches word for word is compared by cosine similarity. Never in a request's way: a missing extension, a
 * slow or failing provider means full-text reuse only, logged at warn.
 * @example const semantic = new SemanticReuse({ db, logger, schema: 'asset', embedder, minSimilarity: 0.85 }); await semantic.start();
 */
export class SemanticReuse {
  readonly #o: SemanticReuseOptions;
  readonly #vectors: AssetVectors;
  readonly #stop = new AbortController();
  #available = false;
  #backfill: Promise<void> = Promise.resolve();

  constructor(options: SemanticReuseOptions) {
    this.#o = options;
    this.#vectors = new AssetVectors(options.schema);
  }

  /** Whether requests are compared by meaning (pgvector there and the table made). */
  get available(): boolean {
    return this.#available;
  }

  /** Makes the vectors table (after the migrations), then embeds older assets in the background. */
  async start(): Promise<void> {
    const status = await this.#vectors.enable(this.#o.db, this.#o.embedder.dimensions);
    if (!status.ok) {
      this.#o.logger.warn('asset reuse by meaning is off: full-text reuse only', { reason: status.reason });
      return;
    }
    this.#available = true;
    this.#o.logger.info('asset reuse by meaning is on', { model: this.#o.embedder.model, dimensions: this.#o.embedder.dimensions });
    this.#backfill = this.backfill();
  }

  /** Stops the backfill. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#backfill;
  }

  /** The closest asset the caller may see for a request's text, or null (also when embedding it failed). */
  async find(query: ReuseQuery): Promise<{ asset: AssetRecord; score: number } | null> {
    if (!this.#available) return null;
    const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#o.timeoutMs ?? 5_000)]);
    try {
      const [vector] = await this.#o.embedder.embed([query.text], signal);
      if (!vector) return null;
      const { text: _text, minScore: _minScore, ...filters } = query;
      return await this.#vectors.nearest(this.#o.db, {
        ...filters,
        vector,
        model: this.#o.embedder.model,
        minSimilarity: this.#o.minSimilarity,
      });
    } catch (err) {
      this.#o.logger.warn('asset reuse by meaning skipped for a request: full text only', { error: describe(err) });
      return null;
    }
  }

  /** Embeds a new asset; a failure leaves it to the next backfill (at the next start). */
  async index(asset: Pick<AssetRecord, 'id' | 'description' | 'style'>): Promise<void> {
    if (!this.#available) return;
    try {
      const [vector] = await this.#o.embedder.embed([embeddingTextOf(asset)], this.#stop.signal);
      if (vector) await this.#vectors.put(this.#o.db, this.#o.embedder.model, [{ assetId: asset.id, vector }]);
    } catch (err) {
      this.#o.logger.warn('asset not embedded (reuse finds it by its words only until the next start)', { assetId: asset.id, error: describe(err) });
    }
  }

  /** A reuse record gets its origin's vector (same description, same files). */
  async copy(tx: SqlRunner, fromId: string, toId: string): Promise<void> {
    if (this.#available) await this.#vectors.copy(tx, fromId, toId);
  }

  /** Embeds every live asset that has no vector of the current model yet, a batch at a time. */
  async backfill(): Promise<void> {
    const size = this.#o.batchSize ?? 64;
    let done = 0;
    try {
      for (;;) {
        this.#stop.signal.throwIfAborted();
        const batch = await this.#vectors.missing(this.#o.db, this.#o.embedder.model, size);
        if (batch.length === 0) break;
        const vectors = await this.#o.embedder.embed(
          batch.map((b) => b.text),
          this.#stop.signal,
        );
        await this.#vectors.put(
          this.#o.db,
          this.#o.embedder.model,
          batch.map((b, i) => ({ assetId: b.id, vector: vectors[i] as number[] })),
        );
        done += batch.length;
        this.#o.logger.info('asset embeddings backfill progress', { embedded: done });
        if (batch.length < size) break;
      }
    } catch (err) {
      if (this.#stop.signal.aborted) return;
      this.#o.logger.warn('asset embeddings backfill stopped (retried at the next start)', { embedded: done, error: describe(err) });
    }
  }
}
