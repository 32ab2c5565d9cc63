import { spawn } from 'node:child_process';
import type { LoadResult } from '../lib/measure.ts';

const TSX = 'node_modules/.bin/tsx';

/** Latencies of a set of operations, in ms. */
export interface Latencies {
  count: number;
  p50: number;
  p99: number;
  /** Operations per second over the measured time. */
  rps: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function summarise(latencies: number[], elapsedMs: number): Latencies {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), rps: (sorted.length / elapsedMs) * 1000 };
}

/**
 * Runs `op` once per query, one at a time, `rounds` times over the list.
 * @example await sequential(queries, 3, (q) => search(q))
 */
export async function sequential(queries: string[], rounds: number, op: (query: string) => Promise<unknown>): Promise<Latencies> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const query of queries) {
      const t = performance.now();
      await op(query);
      latencies.push(performance.now() - t);
    }
  }
  return summarise(latencies, performance.now() - started);
}

/**
 * `workers` loops taking the next query of the rotating list for `seconds`.
 * @example await concurrent(queries, 20, 10, (q) => scan(q))
 */
export async function concurrent(
  queries: string[],
  workers: number,
  seconds: number,
  op: (query: string) => Promise<unknown>,
): Promise<Latencies> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const query = queries[next++ % queries.length]!;
      const t = performance.now();
      await op(query);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return summarise(latencies, performance.now() - started);
}

/** Runs `tsx <script> ...args` to completion (stderr shown) and parses the last line it prints as JSON. */
export function runChild<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as T);
    });
  });
}

/**
 * autocannon (bench/kb/load.ts, its own process) against `origin`, each request taking the next of `paths`.
 * @example await loadRotating('http://127.0.0.1:19301', ['/a', '/b'], 20, 10, 2, { 'x-api-key': key })
 */
export function loadRotating(
  origin: string,
  paths: string[],
  connections: number,
  seconds: number,
  warmupSeconds: number,
  headers: Record<string, string>,
): Promise<LoadResult> {
  return runChild<LoadResult>('bench/kb/load.ts', [
    origin,
    String(connections),
    String(seconds),
    String(warmupSeconds),
    JSON.stringify(headers),
    JSON.stringify(paths),
  ]);
}
