/**
 * Load generator child process of the kb benchmark:
 * `tsx bench/kb/load.ts <origin> <connections> <seconds> <warmupSeconds> <headersJson> <pathsJson>`.
 * Like bench/lib/load.ts (autocannon, every latency kept at full precision, one JSON line of results), but each
 * request takes the next path of a rotating list, so the server sees a mix of queries instead of one cached answer.
 */
import type autocannon from 'autocannon';
import { measureLoad } from '../lib/autocannon-run.ts';

const [origin, connectionsArg, secondsArg, warmupArg, headersArg, pathsArg] = process.argv.slice(2);
if (!origin || !pathsArg) throw new Error('usage: load.ts <origin> <connections> <seconds> <warmupSeconds> <headersJson> <pathsJson>');
const headers = JSON.parse(headersArg ?? '{}') as Record<string, string>;
const paths = JSON.parse(pathsArg) as string[];

let next = 0;
const rotate = (request: autocannon.Request): autocannon.Request => {
  request.path = paths[next++ % paths.length]!;
  return request;
};

const result = await measureLoad({
  url: origin,
  connections: Number(connectionsArg ?? 20),
  seconds: Number(secondsArg ?? 10),
  warmupSeconds: Number(warmupArg ?? 2),
  headers,
  requests: [{ method: 'GET', setupRequest: rotate }],
});
console.log(JSON.stringify(result));
