import { percentile } from '../chat/streams.ts';
import type { ScenarioResult } from './scenario.ts';

interface Figures {
  /** Created → started of the jobs sent one at a time to an idle queue. */
  idleQueue: { p50: number; p99: number };
  jobsPerSecond: number;
  queue: { p50: number; p99: number };
  endToEnd: { p50: number; p99: number };
  cpuMsPerJob: number;
  succeeded: number;
  failed: number;
  lost: number;
  attempts: Map<number, number>;
  /** Asset directories in storage that no asset row names (files a killed run stored before it died). */
  orphanDirectories: number;
}

function figures(r: ScenarioResult, jobs: number): Figures {
  const queue = r.rows.filter((j) => j.startedMs !== null).map((j) => j.startedMs! - j.createdMs);
  const endToEnd = r.rows.filter((j) => j.finishedMs !== null).map((j) => j.finishedMs! - j.createdMs);
  const attempts = new Map<number, number>();
  for (const j of r.rows) attempts.set(j.attempt, (attempts.get(j.attempt) ?? 0) + 1);
  const assetIds = new Set([...r.assetsPerJob.values()].flat());
  const succeeded = r.rows.filter((j) => j.state === 'succeeded').length;
  const failed = r.rows.filter((j) => j.state === 'failed' || j.state === 'cancelled').length;
  const idle = r.idle.filter((j) => j.startedMs !== null).map((j) => j.startedMs! - j.createdMs);
  return {
    idleQueue: { p50: percentile(idle, 50), p99: percentile(idle, 99) },
    jobsPerSecond: (succeeded / r.spanMs) * 1000,
    queue: { p50: percentile(queue, 50), p99: percentile(queue, 99) },
    endToEnd: { p50: percentile(endToEnd, 50), p99: percentile(endToEnd, 99) },
    cpuMsPerJob: (r.cpuSeconds * 1000) / jobs,
    succeeded,
    failed,
    lost: jobs - succeeded - failed,
    attempts,
    orphanDirectories: [...r.directories.keys()].filter((id) => !assetIds.has(id)).length,
  };
}

/**
 * What is wrong with a scenario's outcome: a job not succeeded, lost, completed twice (two asset rows, two successes
 * logged), an asset without its files, or leftovers in pg-boss.
 */
export function verify(r: ScenarioResult, jobs: number): string[] {
  const f = figures(r, jobs);
  const problems: string[] = [];
  if (r.submitted.length !== jobs) problems.push(`${r.submitted.length} of ${jobs} jobs were accepted`);
  if (r.rows.length !== jobs) problems.push(`${r.rows.length} job rows for ${jobs} jobs`);
  if (f.succeeded !== jobs) problems.push(`${f.succeeded} of ${jobs} succeeded (${f.failed} failed or cancelled, ${f.lost} lost)`);
  const idleFailed = r.idle.filter((j) => j.state !== 'succeeded');
  if (idleFailed.length) problems.push(`${idleFailed.length} of the jobs sent one at a time did not succeed`);
  const everyJob = [...r.rows, ...r.idle];
  const notOnce = everyJob.filter((j) => {
    const assets = r.assetsPerJob.get(j.id) ?? [];
    return assets.length !== 1 || assets[0] !== j.assetId;
  });
  if (notOnce.length) problems.push(`${notOnce.length} job(s) without exactly one asset row (e.g. ${notOnce[0]!.id}: ${(r.assetsPerJob.get(notOnce[0]!.id) ?? []).length})`);
  const known = new Set(everyJob.map((j) => j.id));
  const strays = [...r.assetsPerJob.keys()].filter((id) => !known.has(id));
  if (strays.length) problems.push(`asset rows for ${strays.length} unknown job(s)`);
  const missing = everyJob.filter((j) => j.assetId && !r.directories.has(j.assetId));
  if (missing.length) problems.push(`${missing.length} asset(s) without stored files`);
  // A killed run may have stored its files before it died: at most one set per job it held (retaken: attempt ≥ 2).
  const retaken = r.kill ? everyJob.filter((j) => j.attempt > 1).length : 0;
  if (f.orphanDirectories > retaken) {
    problems.push(`${f.orphanDirectories} stored file set(s) no asset names (more than the killed instance held: a run's files were kept twice)`);
  }
  if (r.loggedTwice.length) problems.push(`${r.loggedTwice.length} job(s) logged as succeeded twice (e.g. ${r.loggedTwice[0]})`);
  const queueLeft = Object.entries(r.queueStates).filter(([state]) => state !== 'completed');
  if (queueLeft.length) problems.push(`pg-boss still holds ${queueLeft.map(([s, n]) => `${n} ${s}`).join(', ')}`);
  if (r.spec.killAfterStarted !== undefined && !r.kill) problems.push('the instance was never killed');
  return problems;
}

const fmt = (n: number, digits = 0, width = 9) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a').padStart(width);
const histogram = (attempts: Map<number, number>) =>
  [...attempts]
    .sort(([a], [b]) => a - b)
    .map(([n, count]) => `${n}:${count}`)
    .join(' ');

/** The results table, ratios to the first scenario (the baseline), and what each scenario's instances did. */
export function printResults(results: ScenarioResult[], jobs: number): void {
  const all = results.map((r) => ({ r, f: figures(r, jobs) }));
  const base = all[0]?.f;
  console.log(
    `\n${'scenario'.padEnd(34)}${'jobs/s'.padStart(8)}${'×(a)'.padStart(7)}${'queue p50'.padStart(11)}${'p99 ms'.padStart(8)}` +
      `${'e2e p50'.padStart(9)}${'p99 ms'.padStart(8)}${'idle q p50'.padStart(11)}${'max ms'.padStart(8)}${'CPU ms/job'.padStart(12)}${'×(a)'.padStart(7)}${'ok/failed/lost'.padStart(16)}  attempts`,
  );
  for (const { r, f } of all) {
    console.log(
      `${r.spec.name.padEnd(34)}${fmt(f.jobsPerSecond, 1, 8)}${fmt(base ? f.jobsPerSecond / base.jobsPerSecond : Number.NaN, 2, 7)}` +
        `${fmt(f.queue.p50, 0, 11)}${fmt(f.queue.p99, 0, 8)}${fmt(f.endToEnd.p50, 0, 9)}${fmt(f.endToEnd.p99, 0, 8)}` +
        `${fmt(f.idleQueue.p50, 0, 11)}${fmt(f.idleQueue.p99, 0, 8)}` +
        `${fmt(f.cpuMsPerJob, 1, 12)}${fmt(base ? f.cpuMsPerJob / base.cpuMsPerJob : Number.NaN, 2, 7)}` +
        `${`${f.succeeded}/${f.failed}/${f.lost}`.padStart(16)}  ${histogram(f.attempts)}`,
    );
  }
  console.log(
    '  jobs/s: succeeded jobs / (first job created → last finished); queue: created → first started; e2e: created → finished ' +
      '(all from the job rows); CPU: user + system time of the asset processes over the run (/proc), per job. ' +
      'The jobs are sent as fast as 8 clients get answers, so queue latency is mostly the wait behind that burst; ' +
      `idle q: created → started of ${all[0]?.r.idle.length ?? 0} jobs sent one at a time before the burst (each once the last finished), ` +
      'the queue\'s own latency (enqueue, KV wake-up, fetch); max = the slowest of them.',
  );
  for (const { r, f } of all) {
    const spread = r.perInstance
      .map((p) => `${p.name} started ${p.started}, succeeded ${p.succeeded}${p.killed ? ' (killed)' : ''}`)
      .join('; ');
    console.log(`  ${r.spec.name}: ${spread}; pg-boss: ${Object.entries(r.queueStates).map(([s, n]) => `${n} ${s}`).join(', ')}; ` +
      `${r.directories.size} stored file sets, ${f.orphanDirectories} without an asset; ${r.warnings.length} warnings logged` +
      (r.submitted.retried ? `; ${r.submitted.retried} submission(s) retried on the other instance` : ''));
    if (r.kill) {
      const retaken = r.rows.filter((j) => j.attempt > 1);
      const tail = retaken.map((j) => (j.finishedMs ?? Number.NaN) - j.createdMs).sort((a, b) => a - b);
      console.log(
        `    SIGKILL at ${(r.kill.atMs / 1000).toFixed(1)} s (${r.kill.started} started, ${r.kill.finished} done; its log shows ` +
          `${r.kill.heldJobs.length} job(s) running); ${retaken.length} job(s) retaken by the survivor (attempts ${retaken.map((j) => j.attempt).join(', ') || '-'}), ` +
          `created → finished ${tail.map((t) => `${(t / 1000).toFixed(1)} s`).join(', ') || '-'}`,
      );
    }
    const kinds = new Map<string, number>();
    for (const w of r.warnings) {
      const kind = `${w.msg}${w.detail ? ` (${w.detail.slice(0, 160)})` : ''}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    for (const [msg, n] of kinds) console.log(`    warning ×${n}: ${msg}`);
  }
}
