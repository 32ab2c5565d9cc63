import type { Principal } from '../../../lib/auth/types.ts';
import { ApiError } from '../../../lib/errors/api-error.ts';
import { CHANNELS, publishQuietly } from '../jobs/channels.ts';
import type { JobRecord } from '../store/jobs.ts';
import { visibleJob } from './access.ts';
import type { AssetCore } from './core.ts';
import { publishJob } from './events.ts';

/**
 * Cancels a queued or running job: the row becomes `cancelled` and its budget reservation is released in one
 * transaction (so no worker can complete it afterwards: its result write is guarded by the state), the queue entry
 * is cancelled, and the worker running it — on any instance — hears `asset:cancel` and aborts its provider call
 * (or notices within a second on its periodic check). 409 when the job already finished.
 * @example const job = await cancelJob(core, principal, id);
 */
export async function cancelJob(core: AssetCore, principal: Principal, id: string): Promise<JobRecord> {
  const job = await visibleJob(core, principal, id);
  const cancelled = await core.db.transaction(async (tx) => {
    const row = await core.jobs.cancel(tx, job.id);
    if (row?.budgetDay && row.budgetMonth) await core.budgets.release(tx, row.ownerId, row.budgetDay, row.budgetMonth, row.estimateMicros);
    return row;
  });
  if (!cancelled) {
    const current = (await core.jobs.get(core.db, job.id)) ?? job;
    throw new ApiError('CONFLICT', `The job is already ${current.state}: only queued or running jobs can be cancelled`, {
      details: { state: current.state },
    });
  }
  await core.queue.cancel(job.id).catch((err: unknown) => {
    core.logger.warn('queue entry not cancelled (the worker will skip the job)', { jobId: job.id, error: err instanceof Error ? err.message : String(err) });
  });
  core.running.stop(job.id, 'cancelled');
  await publishQuietly(core.kv, core.logger, CHANNELS.cancel, JSON.stringify({ jobId: job.id }));
  await publishJob(core, 'state', cancelled);
  core.logger.info('asset job cancelled', { jobId: job.id, was: job.state });
  return cancelled;
}
