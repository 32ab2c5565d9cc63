import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { readProc } from '../lib/proc.ts';

/** One log line of a service (its structured JSON on stdout), as far as the benchmark reads it. */
export interface LogLine {
  msg: string;
  jobId?: string;
  attempt?: number;
  level?: string;
  /** A warning's or error's own words: its path and status, code or error. */
  detail?: string;
}

/** Start-up noise: `/ready` answers 503 (NOT_READY) until migrations and the queue are up. */
const STARTUP_PATHS = new Set(['/ready', '/health']);

/** A service running as its own process: `node --import tsx <script>` (one process, so its pid is the service's). */
export interface ServiceProcess {
  name: string;
  url: string;
  pid: number;
  /** The job lines it logged (started, succeeded, attempt failed, result discarded...) and every warning or error. */
  logs: LogLine[];
  /** Its CPU time so far (user + system), seconds; the last value read once it is gone. */
  cpuSeconds(): Promise<number>;
  /** SIGKILL: no drain, no shutdown hook; answers the CPU time read just before. */
  kill(): Promise<number>;
  /** SIGTERM (graceful shutdown) and wait for the exit. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (taken by the OS, released for the service to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
const waitExit = (child: ChildProcess) => new Promise<void>((resolve) => (exited(child) ? resolve() : child.once('exit', () => resolve())));

function keepLine(text: string, logs: LogLine[]): void {
  let line: LogLine & { path?: string; status?: number; code?: string; error?: string; message?: string };
  try {
    line = JSON.parse(text) as typeof line;
  } catch {
    return;
  }
  const problem = line.level === 'warn' || line.level === 'error' || line.level === 'fatal';
  if (problem && ((line.path && STARTUP_PATHS.has(line.path)) || line.code === 'NOT_READY')) return;
  if (line.jobId === undefined && !problem) return;
  const detail = [line.path, line.status, line.code, line.error ?? line.message].filter((part) => part !== undefined).join(' ');
  logs.push({
    msg: line.msg,
    ...(line.jobId ? { jobId: line.jobId } : {}),
    ...(line.attempt ? { attempt: line.attempt } : {}),
    ...(line.level ? { level: line.level } : {}),
    ...(problem && detail ? { detail } : {}),
  });
}

/**
 * Starts `script` on a free port with `env` (on top of this process's environment) and waits until its `/ready`
 * answers 200 (for the asset service: migrations done, queue and workers started).
 * @example const asset = await startService('asset-1', 'apps/asset/main.ts', { DATABASE_URL: url });
 */
export async function startService(name: string, script: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
  });
  const logs: LogLine[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => keepLine(text, logs));
  const pid = child.pid!;
  let lastCpu = 0;
  const cpuSeconds = async () => {
    const { cpuSeconds: now } = await readProc(pid);
    if (Number.isFinite(now)) lastCpu = now;
    return lastCpu;
  };
  const service: ServiceProcess = {
    name,
    url,
    pid,
    logs,
    cpuSeconds,
    async kill() {
      const cpu = await cpuSeconds();
      child.kill('SIGKILL');
      await waitExit(child);
      return cpu;
    },
    async stop() {
      if (exited(child)) return;
      await cpuSeconds();
      child.kill('SIGTERM');
      await waitExit(child);
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`${name} (${script}) exited with ${child.exitCode ?? child.signalCode} before it was ready`);
    const status = await fetch(`${url}/ready`).then(
      async (res) => {
        await res.body?.cancel();
        return res.status;
      },
      () => 0,
    );
    if (status === 200) return service;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await service.stop();
  throw new Error(`${name} (${script}) was not ready at ${url}/ready after ${timeoutMs} ms`);
}
