import { CHANNELS, subscribeQuietly } from '../jobs/channels.ts';
import { isTerminal, type JobRecord } from '../store/jobs.ts';
import { jobView } from '../views/job-view.ts';
import type { AssetCore } from './core.ts';
import type { JobEvent } from './events.ts';

/** How often a watcher re-reads the job, in case a KV message was lost. */
const POLL_MS = 1_000;

/**
 * The events of one job as they happen, from any instance: first the current state (a late subscriber catches up),
 * then every change heard on the KV — or seen in the database, which is re-read every second as a fallback — until
 * the job is finished; after `heartbeatMs` without news, a `heartbeat` repeats it. Ends early when `signal` fires.
 * @example for await (const event of watchJob(core, job.id, signal)) send(event);
 */
export async function* watchJob(core: AssetCore, jobId: string, signal?: AbortSignal): AsyncGenerator<JobEvent> {
  const inbox: JobEvent[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const unsubscribe = await subscribeQuietly(core.kv, core.logger, CHANNELS.jobEvents(jobId), (message) => {
    try {
      inbox.push(JSON.parse(message) as JobEvent);
    } catch {
      return;
    }
    notify();
  });
  signal?.addEventListener('abort', notify, { once: true });
  const timer = setInterval(notify, POLL_MS);
  // The same news heard twice (on the KV, then in the database) is sent once.
  const keyOf = (event: JobEvent) => `${event.job.state}:${event.job.progress}:${event.job.updated_at}`;
  let last = '';
  let sentAt = Date.now();
  const fresh = (event: JobEvent) => {
    const key = keyOf(event);
    if (key === last) return false;
    last = key;
    return true;
  };
  try {
    let current = await read(core, jobId);
    if (!current) return;
    yield current;
    last = keyOf(current);
    while (!isTerminal(current.job.state) && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (inbox.length > 0 || signal?.aborted) notify();
      });
      if (signal?.aborted) return;
      const heard = inbox.splice(0);
      if (heard.length === 0) {
        const polled = await read(core, jobId);
        if (!polled) return;
        if (keyOf(polled) === last) {
          // A long silent generation: say so now and then, so proxies keep the stream open.
          if (Date.now() - sentAt >= core.behaviour.heartbeatMs) {
            sentAt = Date.now();
            yield { type: 'heartbeat', job: polled.job };
          }
          continue;
        }
        heard.push(polled);
      }
      for (const event of heard) {
        if (!fresh(event)) continue;
        current = event;
        sentAt = Date.now();
        yield event;
        if (isTerminal(event.job.state)) return;
      }
    }
  } finally {
    clearInterval(timer);
    signal?.removeEventListener('abort', notify);
    await unsubscribe().catch(() => undefined);
  }
}

/** The job as an event: `result` once it succeeded (with its asset), else `state`. */
async function read(core: AssetCore, jobId: string): Promise<JobEvent | null> {
  const job = await core.jobs.get(core.db, jobId);
  if (!job) return null;
  const asset = job.state === 'succeeded' && job.assetId ? await core.assets.get(core.db, job.assetId) : null;
  return { type: job.state === 'succeeded' ? 'result' : 'state', job: jobView(job, asset, core.behaviour.publicBaseUrl) };
}

/**
 * Waits until a job is finished or `timeoutMs` passed; the job as it then is.
 * @example const done = await waitForJob(core, job.id, 30_000);
 */
export async function waitForJob(core: AssetCore, jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<JobRecord | null> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const stop = signal ? AbortSignal.any([signal, timeout]) : timeout;
  for await (const event of watchJob(core, jobId, stop)) {
    if (isTerminal(event.job.state)) break;
  }
  return core.jobs.get(core.db, jobId);
}
