/**
 * `npm run bench -- auth`: one public route through the gateway (identity, rate limiter, proxy, in-process services)
 * unauthenticated, with a cached API key and with a JWT — first with the in-memory limiter, then with the limiter on
 * Redis (REDIS_URL, default redis://127.0.0.1:6379). Prints p50/p99 and what each adds over the unauthenticated call.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PATH } from './gateway/upstream.ts';
import { type LoadResult, load, startServer, stop } from './lib/measure.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = 10;
const dir = await mkdtemp(join(tmpdir(), 'gaia-bench-auth-'));

async function server(port: number, mode: 'memory' | 'redis') {
  const file = join(dir, `${mode}.json`);
  const child = await startServer('bench/auth/server.ts', [String(port), mode, file], `http://127.0.0.1:${port}/`);
  for (let i = 0; i < 100; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text) return { child, credentials: JSON.parse(text) as { jwt: string; apiKey: string } };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the benchmark server did not write its credentials');
}

const fmt = (n: number) => n.toFixed(3).padStart(9);
console.log(`auth benchmark: ${SECONDS}s per scenario after ${WARMUP}s warm-up, ${CONNECTIONS} connections, node ${process.version}`);
const rows: [string, LoadResult][] = [];
for (const mode of ['memory', 'redis'] as const) {
  const port = mode === 'memory' ? 19201 : 19202;
  const { child, credentials } = await server(port, mode);
  try {
    const scenarios: [string, Record<string, string>][] = [
      ['unauthenticated', {}],
      ['cached API key (X-API-Key)', { 'x-api-key': credentials.apiKey }],
      ['JWT (Bearer)', { authorization: `Bearer ${credentials.jwt}` }],
    ];
    for (const [name, headers] of scenarios) {
      process.stdout.write(`  ${mode} limiter: ${name}...\n`);
      rows.push([`${name}, ${mode} limiter`, await load(`http://127.0.0.1:${port}${BENCH_PATH}`, CONNECTIONS, SECONDS, WARMUP, headers)]);
    }
  } finally {
    await stop(child);
  }
}

const base = rows[0]![1];
console.log(`\n${'scenario'.padEnd(44)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'+p50 ms'.padStart(9)}${'non-2xx'.padStart(9)}`);
for (const [name, r] of rows) {
  console.log(`${name.padEnd(44)}${r.rps.toFixed(0).padStart(9)}${fmt(r.p50)}${fmt(r.p99)}${fmt(r.p50 - base.p50)}${String(r.non2xx + r.errors).padStart(9)}`);
}
const p50 = (name: string) => rows.find(([n]) => n === name)![1].p50;
console.log(
  `\n  cached API key adds ${(p50('cached API key (X-API-Key), memory limiter') - p50('unauthenticated, memory limiter')).toFixed(3)} ms p50, ` +
    `JWT adds ${(p50('JWT (Bearer), memory limiter') - p50('unauthenticated, memory limiter')).toFixed(3)} ms p50 (aim ≤ 0.2 each); ` +
    `the Redis limiter adds ${(p50('JWT (Bearer), redis limiter') - p50('JWT (Bearer), memory limiter')).toFixed(3)} ms p50 over memory (aim ≤ 0.5)`,
);
