import { type ChildProcess, spawn } from 'node:child_process';

export interface LoadResult {
  url: string;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

const TSX = 'node_modules/.bin/tsx';

/** Runs the autocannon child (bench/lib/load.ts) and returns its result. */
export function load(
  url: string,
  connections: number,
  seconds: number,
  warmupSeconds: number,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = ['bench/lib/load.ts', url, String(connections), String(seconds), String(warmupSeconds), JSON.stringify(headers)];
    const child = spawn(TSX, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult);
    });
  });
}

/** Starts a server child process (`tsx <script> ...args`) and waits until `readyUrl` answers. */
export async function startServer(script: string, args: string[], readyUrl: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(TSX, [script, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} ${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const res = await fetch(readyUrl);
      await res.body?.cancel();
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`${script} did not answer at ${readyUrl}`);
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Prints a table of results with ratios to a baseline row. */
export function printTable(title: string, rows: { name: string; result: LoadResult }[], baseline: string): void {
  const base = rows.find((r) => r.name === baseline)?.result;
  console.log(`\n${title}`);
  console.log(
    `${'scenario'.padEnd(34)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'rps/floor'.padStart(11)}${'+p50 vs direct'.padStart(16)}${'errors'.padStart(8)}`,
  );
  const direct = rows[0]?.result;
  for (const { name, result } of rows) {
    const ratio = base ? result.rps / base.rps : NaN;
    const added = direct ? result.p50 - direct.p50 : NaN;
    console.log(
      `${name.padEnd(34)}${fmt(result.rps, 0).padStart(10)}${fmt(result.p50, 3).padStart(9)}${fmt(result.p99, 3).padStart(9)}${fmt(ratio).padStart(11)}${fmt(added, 3).padStart(16)}${String(result.errors + result.non2xx + result.timeouts).padStart(8)}`,
    );
  }
}
