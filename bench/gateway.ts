/**
 * `npm run bench -- gateway`: a fixed small JSON from an internal service, measured in one run
 * (a) directly, (b) through a bare node:http + undici-pool proxy (the floor of one HTTP hop),
 * (c) through our gateway with its full middleware stack, with the service in-process (all-in-one) and over HTTP.
 * autocannon runs in its own process; every server runs in its own process. Loopback only.
 */
import { BENCH_PATH } from './gateway/upstream.ts';
import { type LoadResult, load, printTable, startServer, stop } from './lib/measure.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const PATH = BENCH_PATH;
const ports = { upstream: 19101, bare: 19102, gatewayHttp: 19103, gatewayInProcess: 19104 };
const url = (port: number) => `http://127.0.0.1:${port}`;
const script = 'bench/gateway/servers.ts';

console.log(`gateway benchmark: ${SECONDS}s per scenario after ${WARMUP}s warm-up, node ${process.version}`);
const upstream = await startServer(script, ['upstream', String(ports.upstream)], url(ports.upstream) + PATH);
const servers = [
  upstream,
  await startServer(script, ['bare-proxy', String(ports.bare), url(ports.upstream)], url(ports.bare) + PATH),
  await startServer(script, ['gateway-http', String(ports.gatewayHttp), url(ports.upstream)], url(ports.gatewayHttp) + PATH),
  await startServer(script, ['gateway-inprocess', String(ports.gatewayInProcess)], url(ports.gatewayInProcess) + PATH),
];

try {
  for (const connections of [10, 100]) {
    const rows: { name: string; result: LoadResult }[] = [];
    const scenarios: [string, number][] = [
      ['(a) direct to the service', ports.upstream],
      ['(b) bare proxy (floor)', ports.bare],
      ['(c) gateway, service over HTTP', ports.gatewayHttp],
      ['(c) gateway, all-in-one', ports.gatewayInProcess],
    ];
    for (const [name, port] of scenarios) {
      process.stdout.write(`  ${connections} connections: ${name}...\n`);
      rows.push({ name, result: await load(url(port) + PATH, connections, SECONDS, WARMUP) });
    }
    printTable(`${connections} connections`, rows, '(b) bare proxy (floor)');
    const [direct, floor, overHttp, inProcess] = rows.map((r) => r.result) as [LoadResult, LoadResult, LoadResult, LoadResult];
    const floorAdded = floor.p50 - direct.p50;
    const gatewayAdded = overHttp.p50 - direct.p50;
    console.log(
      `  all-in-one gateway adds ${(inProcess.p50 - direct.p50).toFixed(3)} ms p50 (aim ≤ 0.3 at 10 connections); ` +
        `over HTTP it adds ${gatewayAdded.toFixed(3)} ms p50 = ${(gatewayAdded / floorAdded).toFixed(2)}× the floor's ` +
        `${floorAdded.toFixed(3)} ms (aim ≤ 1.5×) at ${(overHttp.rps / floor.rps).toFixed(2)}× its throughput (aim ≥ 0.7×)`,
    );
  }
} finally {
  await Promise.all(servers.map(stop));
}
