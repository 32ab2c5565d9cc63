import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDb } from '../../lib/db/postgres.ts';
import { scratchDatabase } from '../lib/scratch-database.ts';
import type { BenchUser } from './identity.ts';
import { type SubmittedJobs, submitJobs, submitOne } from './jobs.ts';
import { assetDirectories, type JobRow, readAssets, readJobs, readProgress, readQueueStates } from './records.ts';
import { type LogLine, type ServiceProcess, startService } from './services.ts';

export interface ScenarioSpec {
  /** Short tag: a, b, c. */
  key: string;
  name: string;
  instances: number;
  /** SIGKILL the last instance once this many jobs have started (and never restart it). */
  killAfterStarted?: number;
}

export interface ScenarioContext {
  adminUrl: string;
  databasePrefix: string;
  /** Environment of every asset instance (auth URL, Redis, queue settings...). */
  env: Record<string, string>;
  users: BenchUser[];
  jobs: number;
  /** Jobs sent one at a time before the burst, each once the last finished: the queue's latency when idle. */
  idleJobs: number;
  /** Give up (and count the rest as lost) after this long. */
  timeoutMs: number;
  progress(line: string): void;
}

export interface ScenarioResult {
  spec: ScenarioSpec;
  submitted: SubmittedJobs;
  /** The burst's job rows. */
  rows: JobRow[];
  /** The rows of the jobs sent one at a time to an idle queue before the burst. */
  idle: JobRow[];
  /** First submit → last job finished (the database's timestamps), ms. */
  spanMs: number;
  /** CPU seconds of every asset process over the run (the killed one up to its kill). */
  cpuSeconds: number;
  /** Per instance: jobs it logged as started / succeeded. */
  perInstance: { name: string; started: number; succeeded: number; killed: boolean }[];
  /** Jobs whose success was logged more than once, across instances. */
  loggedTwice: string[];
  /** Asset rows per job, and the asset directories in storage. */
  assetsPerJob: Map<string, string[]>;
  directories: Map<string, number>;
  queueStates: Record<string, number>;
  /** When the kill happened: jobs started, finished at that moment, and ms since the first submit. */
  kill?: { started: number; finished: number; atMs: number; instance: string; heldJobs: string[] };
  warnings: LogLine[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Jobs that an instance logged as started but not as finished in any way: what it held when killed. */
function heldBy(logs: LogLine[]): string[] {
  const open = new Set<string>();
  for (const line of logs) {
    if (!line.jobId) continue;
    if (line.msg === 'asset job started') open.add(line.jobId);
    else if (/succeeded|failed|discarded|stopped/.test(line.msg)) open.delete(line.jobId);
  }
  return [...open];
}

/**
 * One scenario on a fresh database and storage directory: starts its asset instances as separate processes, submits
 * the jobs, watches the database until every job is finished (killing an instance on the way when asked), then reads
 * back the job rows, asset rows, storage and the instances' logs. Everything it started is stopped and dropped.
 */
export async function runScenario(spec: ScenarioSpec, ctx: ScenarioContext): Promise<ScenarioResult> {
  const scratch = await scratchDatabase(ctx.adminUrl, `${ctx.databasePrefix}_${spec.key}`);
  const dataDir = await mkdtemp(join(tmpdir(), `gaia-bench-asset-${spec.key}-`));
  const db = createPostgresDb(scratch.url, { max: 2 });
  const instances: ServiceProcess[] = [];
  try {
    const env = { ...ctx.env, DATABASE_URL: scratch.url, DATA_DIR: dataDir };
    // The first one migrates and creates pg-boss's schema; the others start against it at once.
    instances.push(await startService(`${spec.key}-1`, 'apps/asset/main.ts', env));
    for (let i = 2; i <= spec.instances; i++) instances.push(await startService(`${spec.key}-${i}`, 'apps/asset/main.ts', env));
    const idleIds = new Set<string>();
    for (let i = 0; i < ctx.idleJobs; i++) {
      idleIds.add(await submitOne(instances[i % instances.length]!, ctx.users[i % ctx.users.length]!, `idle ${spec.key} lantern number ${i}`));
      while ((await readProgress(db)).finished < i + 1) await sleep(5);
    }
    const cpuBefore = await Promise.all(instances.map((s) => s.cpuSeconds()));
    const cpuAfter: (number | undefined)[] = instances.map(() => undefined);
    const startedAt = Date.now();
    const killed = new Set<ServiceProcess>();
    const submitting = submitJobs(() => instances.filter((s) => !killed.has(s)), ctx.users, ctx.jobs, spec.key);
    let submitted: SubmittedJobs | undefined;
    let failure: unknown;
    void submitting.then(
      (s) => (submitted = s),
      (err: unknown) => (failure = err),
    );
    let kill: ScenarioResult['kill'];
    let reported = -1;
    for (;;) {
      if (failure) throw failure;
      // The jobs sent one at a time before are started and finished: count the burst's only.
      const seen = await readProgress(db);
      const now = { started: seen.started - idleIds.size, finished: seen.finished - idleIds.size };
      const tenth = Math.floor((now.finished / ctx.jobs) * 10);
      if (tenth > reported) {
        reported = tenth;
        ctx.progress(`${spec.key}: ${now.finished}/${ctx.jobs} done, ${now.started} started (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
      }
      if (spec.killAfterStarted !== undefined && !kill && now.started >= spec.killAfterStarted) {
        const victim = instances.at(-1)!;
        killed.add(victim);
        cpuAfter[instances.length - 1] = await victim.kill();
        kill = { ...now, atMs: Date.now() - startedAt, instance: victim.name, heldJobs: heldBy(victim.logs) };
        ctx.progress(`${spec.key}: SIGKILL ${victim.name} at ${now.started} started, ${now.finished} done; it held ${kill.heldJobs.length} job(s)`);
      }
      if (submitted && now.finished >= ctx.jobs) break;
      if (Date.now() - startedAt > ctx.timeoutMs) {
        ctx.progress(`${spec.key}: gave up after ${ctx.timeoutMs / 1000} s with ${now.finished}/${ctx.jobs} finished`);
        break;
      }
      await sleep(100);
    }
    for (const [i, s] of instances.entries()) cpuAfter[i] ??= await s.cpuSeconds();
    const all = await readJobs(db);
    const rows = all.filter((r) => !idleIds.has(r.id));
    const finished = rows.map((r) => r.finishedMs).filter((t): t is number => t !== null);
    const firstCreated = Math.min(...rows.map((r) => r.createdMs));
    // Success lines per job over every instance (a killed instance may lose its last unflushed lines: never more).
    const successes = new Map<string, number>();
    for (const s of instances) for (const l of s.logs) if (l.msg === 'asset job succeeded' && l.jobId) successes.set(l.jobId, (successes.get(l.jobId) ?? 0) + 1);
    return {
      spec,
      submitted: submitted ?? Object.assign([], { retried: 0 }),
      rows,
      idle: all.filter((r) => idleIds.has(r.id)),
      spanMs: (finished.length ? Math.max(...finished) : Date.now()) - firstCreated,
      cpuSeconds: instances.reduce((sum, _, i) => sum + (cpuAfter[i]! - cpuBefore[i]!), 0),
      perInstance: instances.map((s) => ({
        name: s.name,
        started: s.logs.filter((l) => l.msg === 'asset job started').length,
        succeeded: s.logs.filter((l) => l.msg === 'asset job succeeded').length,
        killed: kill?.instance === s.name,
      })),
      loggedTwice: [...successes].filter(([, n]) => n > 1).map(([id]) => id),
      assetsPerJob: await readAssets(db),
      directories: await assetDirectories(join(dataDir, 'assets')),
      queueStates: await readQueueStates(db),
      ...(kill ? { kill } : {}),
      warnings: instances.flatMap((s) => s.logs.filter((l) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal')),
    };
  } finally {
    await Promise.all(instances.map((s) => s.stop()));
    await db.close();
    await scratch.drop().catch((err: unknown) => ctx.progress(`could not drop the scratch database: ${String(err)}`));
    await rm(dataDir, { recursive: true, force: true });
  }
}
