/**
 * `npm run bench -- asset`: the asset job queue (pg-boss 10 on PostgreSQL) under a burst of BENCH_ASSET_JOBS (200)
 * image jobs on the offline `local` provider, in three scenarios of one run: (a) one asset instance — the baseline,
 * (b) two instances sharing the queue, (c) two instances, one killed with SIGKILL once a third of the jobs started and
 * never restarted, so the survivor must take over the killed one's jobs after their lease. Every instance is its own
 * process (`node --import tsx apps/asset/main.ts`) on a fresh database and storage directory per scenario; a real
 * auth service process publishes the JWKS the instances verify identities with; the jobs are submitted over HTTP to
 * `POST /api/v1/assets/jobs` as registered users, with the internal identity token a gateway would forward. Before
 * each burst, BENCH_ASSET_IDLE_JOBS (20) jobs go one at a time to the idle queue: its own enqueue → start latency. Prints
 * jobs/s (first submit → last job finished), queue latency (created → first started) and end to end (created →
 * finished) p50/p99, CPU ms per job of the asset processes, attempts, and ratios to (a); exits 1 unless every job
 * succeeded exactly once (one asset row and one stored file set per job, one success logged) and none was lost.
 * Environment: BENCH_ASSET_JOBS (200), BENCH_ASSET_IDLE_JOBS (20), BENCH_ASSET_LEASE_S (5), DATABASE_URL (the server scratch databases are created
 * on; default postgres://postgres@127.0.0.1:5432/test), BENCH_DB_PREFIX (asset_bench), REDIS_URL (redis://127.0.0.1:6379).
 */
import { cpus, loadavg } from 'node:os';
import { generateSigningKey } from '../lib/auth/signing-keys.ts';
import { registerUsers } from './asset/identity.ts';
import { printResults, verify } from './asset/report.ts';
import { runScenario, type ScenarioResult, type ScenarioSpec } from './asset/scenario.ts';
import { type ServiceProcess, startService } from './asset/services.ts';
import { scratchDatabase } from './lib/scratch-database.ts';

const JOBS = Number(process.env.BENCH_ASSET_JOBS ?? 200);
const LEASE_S = Number(process.env.BENCH_ASSET_LEASE_S ?? 5);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `${process.env.BENCH_DB_PREFIX ?? 'asset_bench'}_${process.pid}`;
const USERS = 4;
const IDLE_JOBS = Number(process.env.BENCH_ASSET_IDLE_JOBS ?? 20);

/** What every asset instance runs with (printed with the results). */
const QUEUE_ENV = {
  ASSET_WORKERS: '2',
  ASSET_JOB_LEASE_S: String(LEASE_S),
  ASSET_QUEUE_POLL_S: '0.5',
  ASSET_QUEUE_MAINTENANCE_S: '1',
  ASSET_JOB_MAX_ATTEMPTS: '3',
  ASSET_JOB_RETRY_DELAY_S: '0',
};

const progress = (line: string) => process.stderr.write(`  ${line}\n`);
const loadAtStart = loadavg();

const key = await generateSigningKey();
const scenarios: ScenarioSpec[] = [
  { key: 'a', name: '(a) 1 instance (baseline)', instances: 1 },
  { key: 'b', name: '(b) 2 instances', instances: 2 },
  { key: 'c', name: '(c) 2 instances, one SIGKILLed', instances: 2, killAfterStarted: Math.ceil(JOBS / 3) },
];
console.log(
  `asset benchmark: ${JOBS} image jobs (local provider, quality medium: a 512×512 PNG and its preview) submitted as one burst over HTTP ` +
    `(8 requests in flight, round-robin over the instances and ${USERS} users) per scenario; PostgreSQL (a fresh database per scenario), ` +
    `Redis ${REDIS_URL}, local storage in a temp directory; node ${process.version}, ${cpus().length} cores; ` +
    `load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`,
);
console.log(`  every instance: ${Object.entries(QUEUE_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);

const authDb = await scratchDatabase(ADMIN_URL, `${PREFIX}_auth`);
let auth: ServiceProcess | undefined;
const results: ScenarioResult[] = [];
try {
  const secret = JSON.stringify(key.privateJwk);
  auth = await startService('auth', 'apps/auth/main.ts', { DATABASE_URL: authDb.url, REDIS_URL, INTERNAL_SIGNING_KEY: secret, LOG_LEVEL: 'warn' });
  const users = await registerUsers(auth.url, key, USERS);
  const env = { ...QUEUE_ENV, REDIS_URL, AUTH_SERVICE_URL: auth.url, ASSET_STORAGE: 'local' };
  for (const spec of scenarios) {
    progress(`${spec.name}...`);
    results.push(
      await runScenario(spec, {
        adminUrl: ADMIN_URL,
        databasePrefix: PREFIX,
        env,
        users,
        jobs: JOBS,
        idleJobs: IDLE_JOBS,
        timeoutMs: 180_000 + LEASE_S * 3_000,
        progress,
      }),
    );
  }
} finally {
  await auth?.stop();
  await authDb.drop().catch((err: unknown) => progress(`could not drop ${PREFIX}_auth: ${String(err)}`));
}

printResults(results, JOBS);
const problems = results.flatMap((r) => verify(r, JOBS).map((p) => `${r.spec.name}: ${p}`));
console.log(
  `\n  load average (1 min) ${loadAtStart[0]!.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end, on ${cpus().length} cores ` +
    '(other work on the machine skews every figure)',
);
if (problems.length) {
  console.log(`\n  VERIFICATION FAILED:\n${problems.map((p) => `    - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('  verified: every job succeeded exactly once (one asset row, one stored file set, one success logged), none lost');
process.exit(0);
