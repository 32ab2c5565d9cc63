import autocannon from 'autocannon';
import type { LoadResult } from './measure.ts';

/** What a load child prints (one JSON line): the measured run, latencies at full precision. */
export interface MeasuredLoad extends LoadResult {
  seconds: number;
}

export interface LoadRunOptions {
  url: string;
  connections: number;
  /** Length of the measured run. */
  seconds: number;
  /** Length of the unmeasured warm-up run before it (0: none). */
  warmupSeconds: number;
  headers: Record<string, string>;
  /** autocannon request templates (default: GET `url`); each run gets fresh copies (autocannon writes into them). */
  requests?: autocannon.Request[];
}

function run(options: LoadRunOptions, seconds: number, record: number[] | null): Promise<autocannon.Result> {
  const { url, connections, headers, requests } = options;
  const templates = requests ? { requests: requests.map((r) => ({ ...r })) } : {};
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, headers, ...templates }, (err, result) => (err ? reject(err) : resolve(result)));
    if (record) instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => record.push(ms));
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/**
 * Runs autocannon, first a warm-up, then the measured run, recording every response's latency at full precision
 * (autocannon's own histogram has 1 ms resolution). Meant for a load child process, apart from the server it loads.
 * @example console.log(JSON.stringify(await measureLoad({ url, connections: 10, seconds: 10, warmupSeconds: 3, headers: {} })));
 */
export async function measureLoad(options: LoadRunOptions): Promise<MeasuredLoad> {
  const { url, connections, seconds } = options;
  if (options.warmupSeconds > 0) await run(options, options.warmupSeconds, null);
  const latencies: number[] = [];
  const result = await run(options, seconds, latencies);
  latencies.sort((a, b) => a - b);
  return {
    url,
    connections,
    seconds,
    requests: result.requests.total,
    rps: result.requests.total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}
