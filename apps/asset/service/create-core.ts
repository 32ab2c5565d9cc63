import type { Db } from '../../../lib/db/types.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { Embedder } from '../../../lib/openai/embeddings.ts';
import type { ProviderCatalog } from '../domain/providers.ts';
import { JobQueue } from '../jobs/queue.ts';
import { RunningJobs } from '../jobs/running.ts';
import { AssetStore } from '../store/assets.ts';
import { BudgetStore } from '../store/budgets.ts';
import { CallbackStore } from '../store/callbacks.ts';
import { JobStore } from '../store/jobs.ts';
import type { BlobStore } from '../storage/types.ts';
import type { AssetBehaviour, AssetCore, PreviewMaker } from './core.ts';
import { failAbandoned } from './finish.ts';
import { runJob } from './run-job.ts';
import { SemanticReuse } from './semantic.ts';

export interface AssetCoreInput {
  db: Db;
  kv: Kv;
  logger: Logger;
  /** Our SQL schema (`asset`; tests use their own). pg-boss's is `behaviour.queue.schema`. */
  schema: string;
  blobs: BlobStore;
  providers: ProviderCatalog;
  behaviour: AssetBehaviour;
  previews?: PreviewMaker;
  /** Embeds asset descriptions for reuse by meaning; none = full-text reuse only. */
  embedder?: Embedder;
  now?: () => Date;
}

export interface RunnableAssetCore extends AssetCore {
  /** Starts the queue (pg-boss schema, queues, workers) and the cancel listener. Call after the migrations. */
  start(): Promise<void>;
  /**
   * Graceful stop: workers take no new job; running ones get until `timeoutMs` (less a second) to finish, then their
   * signal fires and they go back to the queue for another instance.
   */
  stop(timeoutMs: number): Promise<void>;
}

/** No previews until a preview maker is wired. */
const noPreviews: PreviewMaker = async () => null;

/**
 * The asset service's working parts over one database and KV: stores, the pg-boss queue and its workers.
 * @example const core = createAssetCore({ db, kv, logger, schema: 'asset', blobs, providers, behaviour }); await core.start();
 */
export function createAssetCore(input: AssetCoreInput): RunnableAssetCore {
  const jobs = new JobStore(input.schema);
  const queue = new JobQueue(input.db, input.kv, input.logger, input.behaviour.queue);
  const running = new RunningJobs({
    kv: input.kv,
    logger: input.logger,
    lost: (list) => jobs.lost(input.db, list),
    checkIntervalMs: input.behaviour.cancelCheckMs,
  });
  const semantic = input.embedder
    ? new SemanticReuse({
        db: input.db,
        logger: input.logger,
        schema: input.schema,
        embedder: input.embedder,
        minSimilarity: input.behaviour.reuseMinSimilarity,
      })
    : null;
  const core: AssetCore = {
    db: input.db,
    kv: input.kv,
    logger: input.logger,
    jobs,
    assets: new AssetStore(input.schema),
    budgets: new BudgetStore(input.schema),
    callbacks: new CallbackStore(input.schema),
    blobs: input.blobs,
    previews: input.previews ?? noPreviews,
    providers: input.providers,
    queue,
    running,
    semantic,
    behaviour: input.behaviour,
    now: input.now ?? (() => new Date()),
  };
  let stopping: Promise<void> | undefined;
  return {
    ...core,
    async start() {
      await semantic?.start();
      await running.start();
      await queue.start({ run: (job) => runJob(core, job), dead: (jobId) => failAbandoned(core, jobId) });
    },
    stop(timeoutMs) {
      stopping ??= (async () => {
        const drained = (async () => {
          await running.drained(Math.max(0, timeoutMs - 1_000));
          running.stopAll('shutdown');
          await running.drained(1_000);
        })();
        await queue.stop(drained, 1_000);
        await running.close();
        await semantic?.stop();
      })();
      return stopping;
    },
  };
}
