import { type ChildProcess, spawn } from 'node:child_process';
import { readProc } from '../lib/proc.ts';

/** A benchmark child process (one node process: `child.pid` is the process whose memory is measured). */
export interface Child<T> {
  process: ChildProcess;
  /** What the child sent once ready. */
  ready: T;
  /** Sends `message` over IPC and resolves with the child's next message. */
  ask<R>(message: unknown): Promise<R>;
  stop(): Promise<void>;
}

/**
 * Starts `node [...nodeArgs] --import tsx <script> ...args` (e.g. `--cpu-prof`: stop it with `disconnect()`) with an IPC channel and waits for its first message (it sends one
 * when listening). Its stdout (the access log) is discarded; stderr is shown.
 * @example const provider = await startChild<{ baseURL: string }>('bench/chat/provider.ts', ['50', '100', '100']);
 */
export function startChild<T>(script: string, args: string[], options: { nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<Child<T>> {
  const { nodeArgs = [], timeoutMs = 60_000 } = options;
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ask = <R>(message: unknown) =>
    new Promise<R>((resolve) => {
      child.once('message', (answer) => resolve(answer as R));
      child.send(message as object);
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} was not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
    });
    child.once('message', (ready) => {
      clearTimeout(timer);
      resolve({ process: child, ready: ready as T, ask, stop });
    });
  });
}

export interface ProcessSample {
  /** Resident memory when sampling started (before the load), MB. */
  startRssMb: number;
  /** Highest resident memory seen while sampling, MB. */
  peakRssMb: number;
  /** CPU used between `windowStart()` and `windowEnd()`, % of one core. */
  cpuPercent: number;
}

/**
 * Samples a process's resident memory (VmRSS, from /proc) every `everyMs` until `stop()`, and its CPU time over the
 * window marked by `windowStart()`/`windowEnd()`.
 * @example const sampler = sampleProcess(pid); sampler.windowStart(); ...; sampler.windowEnd(); const { peakRssMb } = await sampler.stop();
 */
export function sampleProcess(pid: number, everyMs = 200) {
  let peakRssMb = 0;
  const start = readProc(pid);
  const cpuAt: { start?: Promise<[number, number]>; end?: Promise<[number, number]> } = {};
  const cpuNow = async (): Promise<[number, number]> => [performance.now(), (await readProc(pid)).cpuSeconds];
  const sample = async () => {
    const { rssMb } = await readProc(pid);
    if (Number.isFinite(rssMb)) peakRssMb = Math.max(peakRssMb, rssMb);
  };
  const timer = setInterval(() => void sample(), everyMs);
  return {
    windowStart() {
      cpuAt.start = cpuNow();
    },
    windowEnd() {
      cpuAt.end = cpuNow();
    },
    async stop(): Promise<ProcessSample> {
      clearInterval(timer);
      await sample();
      const [[t0, c0], [t1, c1]] = await Promise.all([cpuAt.start ?? cpuNow(), cpuAt.end ?? cpuNow()]);
      return { startRssMb: (await start).rssMb, peakRssMb, cpuPercent: ((c1 - c0) / ((t1 - t0) / 1000)) * 100 };
    },
  };
}
