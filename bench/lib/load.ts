/**
 * Load generator child process: `tsx bench/lib/load.ts <url> <connections> <seconds> <warmupSeconds> [headersJson]`.
 * Runs autocannon against `url`, first a warm-up, then the measured run, recording every response's latency at
 * full precision (autocannon's own histogram has 1 ms resolution) and prints one JSON line of results.
 */
import autocannon from 'autocannon';

const [target, connectionsArg, secondsArg, warmupArg, headersArg] = process.argv.slice(2);
if (!target) throw new Error('usage: load.ts <url> <connections> <seconds> <warmupSeconds> [headersJson]');
const url: string = target;
const headers = JSON.parse(headersArg ?? '{}') as Record<string, string>;
const connections = Number(connectionsArg ?? 10);
const duration = Number(secondsArg ?? 10);
const warmup = Number(warmupArg ?? 3);

function run(seconds: number, record: number[] | null): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, headers }, (err, result) => (err ? reject(err) : resolve(result)));
    if (record) instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => record.push(ms));
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

if (warmup > 0) await run(warmup, null);
const latencies: number[] = [];
const result = await run(duration, latencies);
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    url,
    connections,
    seconds: duration,
    requests: result.requests.total,
    rps: result.requests.total / duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  }),
);
