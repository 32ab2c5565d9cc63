import { CHANNELS, publishQuietly } from '../jobs/channels.ts';
import type { AssetRecord } from '../store/assets.ts';
import type { JobRecord } from '../store/jobs.ts';
import { type JobView, jobView } from '../views/job-view.ts';
import type { AssetCore } from './core.ts';

/**
 * What a job's SSE stream carries: a state change, progress, the result (the finished job with its asset), or — after
 * 15 s without news — a heartbeat repeating the job as it is.
 */
export type JobEventType = 'state' | 'progress' | 'result' | 'heartbeat';

export interface JobEvent {
  type: JobEventType;
  job: JobView;
}

/**
 * Tells every instance's listeners (SSE streams, waiting GAIA requests) about a job, through the KV.
 * @example await publishJob(core, 'progress', job);
 */
export async function publishJob(core: AssetCore, type: JobEventType, job: JobRecord, asset: AssetRecord | null = null): Promise<void> {
  const event: JobEvent = { type, job: jobView(job, asset, core.behaviour.publicBaseUrl) };
  await publishQuietly(core.kv, core.logger, CHANNELS.jobEvents(job.id), JSON.stringify(event));
}
