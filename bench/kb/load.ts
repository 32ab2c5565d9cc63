/**
 * Load generator child process of the kb benchmark:
 * `tsx bench/kb/load.ts <origin> <connections> <seconds> <warmupSeconds> <headersJson> <pathsJson>`.
 * Like bench/lib/load.ts (autocannon, every latency kept at full precision, one JSON line of results), but each
 * request takes the next path of a rotating list, so the server sees a mix of queries instead of one cached answer.
 */
import autocannon from 'autocannon';

const [origin, connectionsArg, secondsArg, warmupArg, headersArg, pathsArg] = process.argv.slice(2);
if (!origin || !pathsArg) throw new Error('usage: load.ts <origin> <connections> <seconds> <warmupSeconds> <headersJson> <pathsJson>');
const url: string = origin;
const headers = JSON.parse(headersArg ?? '{}') as Record<string, string>;
const paths = JSON.parse(pathsArg) as string[];
const connections = Number(connectionsArg ?? 20);
const duration = Number(secondsArg ?? 10);
const warmup = Number(warmupArg ?? 2);

let next = 0;
const rotate = (request: autocannon.Request): autocannon.Request => {
  request.path = paths[next++ % paths.length]!;
  return request;
};

function run(seconds: number, record: number[] | null): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration: seconds, headers, requests: [{ method: 'GET', setupRequest: rotate }] },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
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
