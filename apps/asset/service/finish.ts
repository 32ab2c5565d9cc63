import type { JobFailure, JobRecord } from '../store/jobs.ts';
import type { AssetCore } from './core.ts';
import { publishJob } from './events.ts';

/**
 * Fails a job for good and gives back its budget reservation (or, when the provider charged anyway, books that
 * cost) in one transaction. `attempt` guards a worker's write; null is the dead-letter handler's (the job's last
 * lease ended). Does nothing when the job already finished.
 * @example await finishFailed(core, job, job.attempt, { code: 'generation_refused', message: 'the generator refused the request' });
 */
export async function finishFailed(core: AssetCore, job: JobRecord, attempt: number | null, failure: JobFailure, chargedMicros = 0): Promise<JobRecord | null> {
  const failed = await core.db.transaction(async (tx) => {
    const row = await core.jobs.fail(tx, job.id, attempt, failure);
    if (row?.budgetDay && row.budgetMonth) {
      await core.budgets.settle(tx, row.ownerId, row.budgetDay, row.budgetMonth, row.estimateMicros, chargedMicros);
    }
    return row;
  });
  if (failed) {
    core.logger.info('asset job failed', { jobId: job.id, code: failure.code, attempt: failed.attempt });
    await publishJob(core, 'state', failed);
  }
  return failed;
}

/**
 * The dead-letter handler: pg-boss gave up on a job (its last lease ran out — the worker died or hung — or its last
 * run threw). Records the failure unless the job finished meanwhile.
 * @example await boss.work(deadLetterQueue, ([job]) => failAbandoned(core, job.data.jobId));
 */
export async function failAbandoned(core: AssetCore, jobId: string): Promise<void> {
  const job = await core.jobs.get(core.db, jobId);
  if (!job || (job.state !== 'queued' && job.state !== 'running')) return;
  await finishFailed(core, job, null, {
    code: 'lease_expired',
    message: `the job did not finish in time after ${job.attempt} attempt${job.attempt === 1 ? '' : 's'} (its worker stopped responding)`,
  });
}
