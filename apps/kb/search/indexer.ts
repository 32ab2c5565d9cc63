import type { Db } from '../../../lib/db/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { isDocumentPath } from '../docs/paths.ts';
import type { FileChange } from '../git/types.ts';
import { embedChunks, embedMissing } from './embed-chunks.ts';
import { planBatch, writeBatch } from './index-batch.ts';
import {
  deleteAbsent,
  deleteDocuments,
  type IndexStats,
  indexStats,
  readIndexedCommit,
  type WrittenChunk,
  writeIndexedCommit,
} from './index-store.ts';
import { schemaIdent } from './sql.ts';
import type { Embedder, IndexProgress, IndexReport, IndexSource } from './types.ts';
import { enableVectors, hasVectorTable } from './vector-store.ts';

export interface IndexerOptions {
  db: Db;
  schema: string;
  source: IndexSource;
  /** Used only when vectors are available (see `vectors`). */
  embedder?: Embedder | undefined;
  /**
   * Whether `<schema>.embeddings` is usable. Default: with an embedder, {@link enableVectors} is tried once (a
   * database without pgvector then just indexes full text).
   */
  vectors?: boolean | undefined;
  logger: Logger;
  /** Files per transaction. Default 500. */
  batchSize?: number | undefined;
  /** Files larger than this are skipped with a problem. Default: no limit. */
  maxFileBytes?: number | undefined;
}

export type ProgressListener = (progress: IndexProgress) => void;

export interface IndexRunOptions {
  onProgress?: ProgressListener | undefined;
  /** Stops the run between batches (rejecting with the signal's reason); what was written stays written. */
  signal?: AbortSignal | undefined;
}

/** A progress listener alone, or options. */
export type IndexRunArg = ProgressListener | IndexRunOptions | undefined;

export interface Indexer {
  /** Indexes what changed since the last completed run (everything the first time). */
  update(options?: IndexRunArg): Promise<IndexReport>;
  /** Re-writes every document at head and removes rows of files that are gone. */
  reindex(options?: IndexRunArg): Promise<IndexReport>;
  /** The commit the last completed run reached. */
  indexedCommit(): Promise<string | undefined>;
  stats(): Promise<IndexStats>;
}

interface Run {
  full: boolean;
  onProgress: ProgressListener | undefined;
  signal: AbortSignal | undefined;
}

const runOptionsOf = (arg: IndexRunArg) => {
  const options = typeof arg === 'function' ? { onProgress: arg } : (arg ?? {});
  return { onProgress: options.onProgress, signal: options.signal };
};

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The search indexer: reads documents from the repository at head and writes them, in batches of files (one
 * transaction each), into `<schema>.documents`/`chunks` and, when available, their embeddings. The indexed commit
 * moves only when a run completes; a restarted run skips files whose stored blob sha is already current, so an
 * interrupted run resumes where it stopped. Runs of one indexer are serialised.
 * @example const indexer = createIndexer({ db, schema: 'kb', source: repo, embedder, logger }); await indexer.update();
 */
export function createIndexer(options: IndexerOptions): Indexer {
  const { db, schema, source, embedder, logger } = options;
  schemaIdent(schema);
  const batchSize = options.batchSize ?? 500;
  let vectorsReady: Promise<boolean> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const vectors = (): Promise<boolean> => {
    if (!embedder) return Promise.resolve(false);
    if (options.vectors !== undefined) return Promise.resolve(options.vectors);
    vectorsReady ??= enableVectors(db, schema, embedder.dimensions).then((status) => {
      if (!status.ok) logger.warn('semantic search disabled', { reason: status.reason });
      return status.ok;
    });
    return vectorsReady;
  };

  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  async function listChanges(from: string | undefined, head: string, full: boolean) {
    if (full || from === undefined) return { changes: await source.changedFiles(undefined, head), complete: true };
    try {
      return { changes: await source.changedFiles(from, head), complete: false };
    } catch (err) {
      logger.warn('cannot diff from the indexed commit; indexing every file', { from, error: describe(err) });
      return { changes: await source.changedFiles(undefined, head), complete: true };
    }
  }

  async function run({ full, onProgress, signal }: Run): Promise<IndexReport> {
    const started = performance.now();
    const from = await readIndexedCommit(db, schema);
    const head = await source.head();
    const report: IndexReport = { from: from ?? null, to: head ?? null, indexed: 0, deleted: 0, skipped: 0, problems: [], durationMs: 0 };
    const useVectors = await vectors();
    let embeddingFailed = false;

    const embed = async (chunks: WrittenChunk[] | 'missing') => {
      if (!embedder || !useVectors || embeddingFailed) return;
      try {
        const deps = { db, schema, embedder, signal };
        if (chunks === 'missing') await embedMissing(deps);
        else await embedChunks(deps, chunks);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        embeddingFailed = true;
        logger.warn('embedding failed; those chunks stay without vectors until the next update', { error: describe(err) });
      }
    };

    onProgress?.({ phase: 'diff', done: 0, total: 0 });
    if (head === undefined || (!full && from === head)) {
      await embed('missing');
      report.durationMs = Math.round(performance.now() - started);
      onProgress?.({ phase: 'done', done: 0, total: 0 });
      return report;
    }

    const { changes, complete } = await listChanges(from, head, full);
    const documents = changes.filter((c) => isDocumentPath(c.path));
    const deletions = documents.filter((c) => c.kind === 'deleted').map((c) => c.path);
    const writes = documents.filter((c) => c.kind !== 'deleted');
    signal?.throwIfAborted();
    if (complete) report.deleted += await deleteAbsent(db, schema, writes.map((c) => c.path));
    report.deleted += await deleteDocuments(db, schema, deletions);

    const batches: FileChange[][] = [];
    for (let i = 0; i < writes.length; i += batchSize) batches.push(writes.slice(i, i + batchSize));
    const batchDeps = { db, schema, source, maxFileBytes: options.maxFileBytes };
    const plan = (batch: FileChange[] | undefined) => {
      const planned = batch ? planBatch(batchDeps, batch, head, full) : undefined;
      planned?.catch(() => undefined); // awaited below; this only keeps an aborted run's read-ahead from going unhandled
      return planned;
    };
    let done = 0;
    let next = plan(batches[0]);
    for (const [i, batch] of batches.entries()) {
      const current = await next!;
      signal?.throwIfAborted();
      // Reads and parses the next batch while this one is written.
      next = plan(batches[i + 1]);
      const { removed, chunks } = await writeBatch(db, schema, current, head);
      report.indexed += current.docs.length;
      report.skipped += current.problems.length;
      report.problems.push(...current.problems);
      report.deleted += removed;
      done += batch.length;
      onProgress?.({ phase: 'index', done, total: writes.length });
      if (chunks.length > 0) await embed(chunks);
    }
    signal?.throwIfAborted();
    onProgress?.({ phase: 'embed', done: 0, total: 0 });
    await embed('missing');
    await writeIndexedCommit(db, schema, head);
    if (report.indexed + report.deleted >= TIDY_AFTER) await tidyIndex(db, schema, logger);
    report.durationMs = Math.round(performance.now() - started);
    onProgress?.({ phase: 'done', done: writes.length, total: writes.length });
    logger.info('index updated', { ...report, problems: report.problems.length });
    return report;
  }

  return {
    update: (arg) => serialised(() => run({ full: false, ...runOptionsOf(arg) })),
    reindex: (arg) => serialised(() => run({ full: true, ...runOptionsOf(arg) })),
    indexedCommit: () => readIndexedCommit(db, schema),
    stats: async () => indexStats(db, schema, await hasVectorTable(db, schema)),
  };
}

/** Documents written or removed in one run beyond which the full-text index is tidied (see {@link tidyIndex}). */
const TIDY_AFTER = 200;

/**
 * After a large run: merges the GIN index's pending list (searches would otherwise scan it, ~4x slower on a fresh
 * 10k-document index) and refreshes the planner's statistics (PGlite has no autovacuum). Failures only log.
 */
async function tidyIndex(db: Db, schema: string, logger: Logger): Promise<void> {
  const s = schemaIdent(schema);
  try {
    await db.query(`select gin_clean_pending_list('${s}.chunks_tsv_idx'::regclass)`);
    await db.exec(`analyze ${s}.chunks; analyze ${s}.documents`);
  } catch (err) {
    logger.warn('tidying the full-text index failed; searches may be slower until autovacuum runs', { error: describe(err) });
  }
}
