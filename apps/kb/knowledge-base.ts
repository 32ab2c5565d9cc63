import { ApiError } from '../../lib/errors/api-error.ts';
import type { Logger } from '../../lib/logging/logger.ts';
import type { Db } from '../../lib/db/types.ts';
import type { KbSettings } from './config.ts';
import { WELCOME_DOCUMENT, WELCOME_PATH } from './docs/welcome.ts';
import { openKbRepo, type OpenedKbRepo } from './git/repo.ts';
import { createKbSync, type KbSync } from './git/sync.ts';
import type { CommitAuthor, SyncResult } from './git/types.ts';
import { createIndexer, type Indexer } from './search/indexer.ts';
import type { Embedder, IndexProgress, IndexReport } from './search/types.ts';
import { enableVectors } from './search/vector-store.ts';

export interface KnowledgeBaseDeps {
  db: Db;
  /** SQL schema of the index (`kb`; tests use their own). */
  schema: string;
  logger: Logger;
  fs: typeof import('node:fs');
  settings: KbSettings;
  embedder?: Embedder;
}

/** The open repository and everything built on it. */
export interface KbRuntime {
  repo: OpenedKbRepo;
  sync: KbSync;
  indexer: Indexer;
  /** Semantic search works: an embedder is configured and the database has pgvector. */
  semantic: boolean;
  /** Why semantic search is off, when it is. */
  semanticReason: string | null;
}

/** Who signs the commits the platform makes itself (merges while syncing, the welcome document). */
const SYNC_AUTHOR: CommitAuthor = { name: 'GAIA knowledge base', email: 'kb@gaia.invalid' };

/**
 * The knowledge base's life cycle: open (clone or init) the repository in the background, bring the index up to
 * date, then serve; later commits, syncs and reindexes run through one queue so the index follows the repository
 * in order. Until `open` has finished, `runtime()` answers 503 `KB_NOT_READY`.
 * @example const kb = new KnowledgeBase(deps); void readiness.start('repository', () => kb.open());
 */
export class KnowledgeBase {
  readonly #deps: KnowledgeBaseDeps;
  #repo: OpenedKbRepo | undefined;
  #runtime: KbRuntime | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #pendingRefresh: Promise<IndexReport> | undefined;
  #progress: IndexProgress | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;
  #openProgress: { phase: string; loaded: number; total?: number } | null = null;

  constructor(deps: KnowledgeBaseDeps) {
    this.#deps = deps;
  }

  /** Opens the repository (cloning on first start), enables vectors when possible and indexes what changed. Idempotent. */
  async open(): Promise<void> {
    if (this.#runtime) return;
    const { db, schema, logger, fs, settings, embedder } = this.#deps;
    this.#repo ??= await openKbRepo({
      fs,
      dir: settings.dir,
      branch: settings.branch,
      ...(settings.remote ? { remote: settings.remote } : {}),
      logger,
      onProgress: (progress) => {
        this.#openProgress = progress;
      },
    });
    const repo = this.#repo;
    if (settings.seed && repo.origin === 'initialized' && (await repo.head()) === undefined) {
      await repo.commit({
        ops: [{ kind: 'write', path: WELCOME_PATH, content: new TextEncoder().encode(WELCOME_DOCUMENT) }],
        message: 'Getting started',
        author: SYNC_AUTHOR,
      });
    }
    let semanticReason: string | null = embedder ? null : 'no embeddings provider is configured (set KB_EMBEDDINGS_URL or OPENAI_API_KEY)';
    if (embedder) {
      const vectors = await enableVectors(db, schema, embedder.dimensions);
      if (!vectors.ok) semanticReason = vectors.reason;
    }
    const semantic = semanticReason === null;
    if (!semantic) logger.info('semantic search is off', { reason: semanticReason });
    const indexer = createIndexer({ db, schema, source: repo, logger, ...(semantic && embedder ? { embedder } : {}) });
    const sync = createKbSync({
      repo,
      fs,
      dir: settings.dir,
      branch: settings.branch,
      ...(settings.remote ? { remote: settings.remote } : {}),
      logger,
      author: SYNC_AUTHOR,
    });
    const report = await indexer.update({ onProgress: (p) => this.#track(p) });
    this.#track(null);
    logger.info('knowledge base indexed', { indexed: report.indexed, deleted: report.deleted, skipped: report.skipped, ms: report.durationMs });
    this.#runtime = { repo, sync, indexer, semantic, semanticReason };
    if (settings.remote && settings.syncIntervalMs > 0 && !this.#stopped) {
      this.#timer = setInterval(() => void this.syncNow().catch(() => undefined), settings.syncIntervalMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** The open knowledge base, or 503 `KB_NOT_READY` (with `Retry-After`) while it is still cloning or indexing. */
  runtime(): KbRuntime {
    if (this.#runtime) return this.#runtime;
    const phase = this.#progress ? `indexing (${this.#progress.done}/${this.#progress.total})` : this.#openProgress ? `cloning (${this.#openProgress.phase})` : 'starting';
    throw new ApiError('KB_NOT_READY', `The knowledge base is not ready yet: ${phase}. Try again shortly.`, {
      headers: { 'Retry-After': '5' },
    });
  }

  /** Index progress while an index run is going, else null. */
  progress(): IndexProgress | null {
    return this.#progress;
  }

  /**
   * Brings the index up to the repository's head. Calls made while a run is queued share it, so a burst of commits
   * costs one run; resolves once the head at call time is indexed.
   */
  refreshIndex(): Promise<IndexReport> {
    if (this.#pendingRefresh) return this.#pendingRefresh;
    const { indexer } = this.runtime();
    const run = this.#enqueue(async () => {
      this.#pendingRefresh = undefined;
      try {
        return await indexer.update({ onProgress: (p) => this.#track(p) });
      } finally {
        this.#track(null);
      }
    });
    this.#pendingRefresh = run;
    return run;
  }

  /** Re-indexes every document (reporting progress); queued behind other index work. */
  reindex(onProgress?: (progress: IndexProgress) => void): Promise<IndexReport> {
    const { indexer } = this.runtime();
    return this.#enqueue(async () => {
      try {
        return await indexer.reindex({
          onProgress: (p) => {
            this.#track(p);
            onProgress?.(p);
          },
        });
      } finally {
        this.#track(null);
      }
    });
  }

  /** Pulls and pushes now, then indexes what came in. Never throws for remote trouble: see `result.status.lastError`. */
  async syncNow(options: { pull?: boolean; push?: boolean } = {}): Promise<{ sync: SyncResult; index: IndexReport | null }> {
    const { sync } = this.runtime();
    const result = await sync.sync(options);
    const index = result.before !== result.after ? await this.refreshIndex() : null;
    return { sync: result, index };
  }

  /** Stops the sync timer; queued work finishes on its own. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #track(progress: IndexProgress | null): void {
    this.#progress = progress;
  }
}
