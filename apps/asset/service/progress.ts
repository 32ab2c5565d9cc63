import type { JobRecord } from '../store/jobs.ts';
import type { AssetCore } from './core.ts';
import { publishJob } from './events.ts';

/**
 * A provider's `onProgress` for one attempt: monotonic, capped at 99 (100 is the result), written to the database
 * and published at most every `progressIntervalMs` (the latest value wins), one write at a time, and only while the
 * attempt still owns the job.
 * @example const progress = progressReporter(core, job); provider.generate(req, { onProgress: progress.report, … }); await progress.flushed();
 */
export function progressReporter(core: AssetCore, job: JobRecord): { report(percent: number, message?: string): void; flushed(): Promise<void> } {
  let best = 0;
  let pending: { percent: number; message: string | null } | undefined;
  let lastWrite = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();

  const write = () => {
    timer = undefined;
    const next = pending;
    pending = undefined;
    if (!next) return;
    lastWrite = Date.now();
    chain = chain.then(async () => {
      try {
        const row = await core.jobs.progress(core.db, job.id, job.attempt, next.percent, next.message);
        if (row) await publishJob(core, 'progress', row);
      } catch (err) {
        core.logger.debug('asset progress not written', { jobId: job.id, error: err instanceof Error ? err.message : String(err) });
      }
    });
  };

  return {
    report(percent, message) {
      const value = Math.max(0, Math.min(99, Math.floor(Number.isFinite(percent) ? percent : 0)));
      if (value < best || (value === best && message === undefined)) return;
      best = value;
      pending = { percent: value, message: message === undefined ? null : message.slice(0, 200) };
      if (timer) return;
      timer = setTimeout(write, Math.max(0, lastWrite + core.behaviour.progressIntervalMs - Date.now()));
    },
    async flushed() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      pending = undefined;
      await chain;
    },
  };
}
