/**
 * Load generator child process: `tsx bench/lib/load.ts <url> <connections> <seconds> <warmupSeconds> [headersJson]`.
 * Runs autocannon against `url`, first a warm-up, then the measured run, recording every response's latency at
 * full precision (autocannon's own histogram has 1 ms resolution) and prints one JSON line of results.
 */
import { measureLoad } from './autocannon-run.ts';

const [target, connectionsArg, secondsArg, warmupArg, headersArg] = process.argv.slice(2);
if (!target) throw new Error('usage: load.ts <url> <connections> <seconds> <warmupSeconds> [headersJson]');
const headers = JSON.parse(headersArg ?? '{}') as Record<string, string>;

const result = await measureLoad({
  url: target,
  connections: Number(connectionsArg ?? 10),
  seconds: Number(secondsArg ?? 10),
  warmupSeconds: Number(warmupArg ?? 3),
  headers,
});
console.log(JSON.stringify(result));
