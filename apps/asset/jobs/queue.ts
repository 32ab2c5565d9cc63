import PgBoss from 'pg-boss';
import type { Db, SqlRunner } from '../../../lib/db/types.ts';
import type { Kv, Unsubscribe } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { bossDb, bossTx } from './boss-db.ts';
import { CHANNELS, publishQuietly, subscribeQuietly } from './channels.ts';

export interface QueueSettings {
  /** pg-boss's own schema (`asset_queue`): its tables never mix with ours. */
  schema: string;
  /** Jobs one instance runs at once. */
  workers: number;
  /** How often an idle worker polls (≥ 0.5 s); enqueues also wake workers at once through the KV. */
  pollIntervalSeconds: number;
  /** How long a worker holds a job before it counts as dead and the job is retried (or failed). */
  leaseSeconds: number;
  /** Runs of a job before it fails for good (1 = no retry). */
  maxAttempts: number;
  /** First retry delay; it doubles each attempt (pg-boss backoff with jitter). */
  retryDelaySeconds: number;
  /** How often pg-boss looks for expired leases (one instance does it per interval). */
  maintenanceIntervalSeconds: number;
}

/** What pg-boss tells a worker about the job it fetched. */
export interface QueuedJob {
  id: string;
  /** Runs before this one (0 on the first). */
  retryCount: number;
  /** Runs pg-boss will still make after a failure of this one: none when `retryCount >= retryLimit`. */
  retryLimit: number;
  leaseSeconds: number;
}

export interface QueueHandlers {
  /** Runs one job; throwing hands it back to pg-boss for a retry (or, on the last run, the dead-letter handler). */
  run(job: QueuedJob): Promise<void>;
  /** A job pg-boss gave up on (its last lease expired, or its last run threw): record the failure. */
  dead(jobId: string): Promise<void>;
}

const QUEUE = 'asset-generation';
const DEAD = 'asset-generation-dead';

/**
 * The generation queue on pg-boss 10, over the platform's Db port (PGlite or PostgreSQL, see {@link bossDb}).
 * Enqueueing joins the caller's transaction, so a job row and its queue entry commit together. Several instances
 * share the queue: pg-boss's `FOR UPDATE SKIP LOCKED` fetch hands each job to one worker, its lease (`expireIn`)
 * retries the job of a worker that died, and its dead-letter queue reports the jobs it gave up on. Idle workers
 * poll; an enqueue also wakes them at once, on every instance, through the KV.
 */
export class JobQueue {
  readonly #boss: PgBoss;
  readonly #kv: Kv;
  readonly #logger: Logger;
  readonly #settings: QueueSettings;
  #workerIds: string[] = [];
  #unsubscribe: Unsubscribe | undefined;
  #started = false;
  #stopping: Promise<void> | undefined;

  constructor(db: Db, kv: Kv, logger: Logger, settings: QueueSettings) {
    this.#kv = kv;
    this.#logger = logger;
    this.#settings = settings;
    this.#boss = new PgBoss({
      db: bossDb(db),
      schema: settings.schema,
      // The cron timekeeper relies on insert(), which bossDb cannot serve on postgres.js; we schedule nothing.
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds,
    });
    this.#boss.on('error', (err: Error) => logger.warn('queue error', { error: err.message }));
  }

  get started(): boolean {
    return this.#started && !this.#stopping;
  }

  /** Creates pg-boss's schema and our queues (idempotent, safe from several instances at once) and starts workers. */
  async start(handlers: QueueHandlers): Promise<void> {
    if (this.#started) return;
    await this.#boss.start();
    const s = this.#settings;
    const options = {
      retryLimit: s.maxAttempts - 1,
      retryDelay: s.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: s.leaseSeconds,
      deadLetter: DEAD,
    };
    await this.#boss.createQueue(DEAD);
    await this.#boss.createQueue(QUEUE, { name: QUEUE, ...options });
    // A queue made by an earlier version keeps its old options otherwise.
    await this.#boss.updateQueue(QUEUE, { name: QUEUE, ...options });
    const work = { pollingIntervalSeconds: s.pollIntervalSeconds, includeMetadata: true as const };
    // A start retried after a failure must not add workers twice.
    if (this.#workerIds.length > 0) {
      this.#started = true;
      return;
    }
    for (let i = 0; i < s.workers; i++) {
      let workerId = '';
      workerId = await this.#boss.work<{ jobId: string }>(QUEUE, work, async ([job]) => {
        if (!job) return;
        try {
          await handlers.run({ id: job.data.jobId, retryCount: job.retryCount, retryLimit: job.retryLimit, leaseSeconds: Number(job.expireInSeconds) });
        } finally {
          // pg-boss would sleep a polling interval before the next fetch even with jobs waiting: fetch again at once.
          this.#boss.notifyWorker(workerId);
        }
      });
      this.#workerIds.push(workerId);
    }
    this.#workerIds.push(
      await this.#boss.work<{ jobId: string }>(DEAD, work, async ([job]) => {
        if (job) await handlers.dead(job.data.jobId);
      }),
    );
    this.#unsubscribe = await subscribeQuietly(this.#kv, this.#logger, CHANNELS.wake, () => this.#notify());
    this.#started = true;
  }

  /**
   * Enqueues job `jobId` inside the caller's transaction (the pg-boss job has the same id). Call {@link wake} once
   * the transaction committed.
   */
  async send(tx: SqlRunner, jobId: string): Promise<void> {
    await this.#boss.send(QUEUE, { jobId }, { id: jobId, db: bossTx(tx) });
  }

  /** Wakes idle workers here and on every other instance (after an enqueue committed). */
  async wake(): Promise<void> {
    this.#notify();
    await publishQuietly(this.#kv, this.#logger, CHANNELS.wake, '1');
  }

  /** Takes a job off the queue (a queued one is never fetched; a running one is no longer retried). */
  async cancel(jobId: string): Promise<void> {
    await this.#boss.cancel(QUEUE, jobId);
  }

  /**
   * Stops fetching, then stops pg-boss once `drained()` resolves: pg-boss fails (for a retry elsewhere) a job a worker
   * still holds after `timeoutMs`. Idempotent.
   */
  stop(drained: Promise<void>, timeoutMs: number): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#unsubscribe?.().catch(() => undefined);
      if (!this.#started) return;
      for (const id of this.#workerIds) await this.#boss.offWork({ id }).catch(() => undefined);
      await drained;
      await this.#boss.stop({ graceful: true, wait: true, timeout: Math.max(1_000, timeoutMs), close: false }).catch((err: unknown) => {
        this.#logger.warn('queue stopped uncleanly', { error: err instanceof Error ? err.message : String(err) });
      });
    })();
    return this.#stopping;
  }

  #notify(): void {
    if (this.#stopping) return;
    for (const id of this.#workerIds) this.#boss.notifyWorker(id);
  }
}
