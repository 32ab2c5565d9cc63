/**
 * `npm run bench -- kb`: the knowledge base on a generated repository of 10,000 Markdown documents (~1 KB, YAML front
 * matter, 2-4 sections, Zipf-distributed vocabulary, one commit), on PostgreSQL (a fresh database) and on PGlite
 * (on disk): full and incremental (100 changed documents) index throughput, then full-text search through the
 * gateway over HTTP with a rotating set of 1-3 word queries, one client at a time and at 20 connections
 * (autocannon); against the baseline the index replaces, scanning the files for every query (and ripgrep when
 * installed). Every server, indexer and load generator runs in its own process. Loopback only.
 * Environment: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_KB_DOCUMENTS (10000), DATABASE_URL (the server the scratch
 * database `kb_bench_<pid>` is created on and dropped from; default postgres://postgres@127.0.0.1:5432/test).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineCorpus, defineQueries, writeCorpus } from './kb/corpus.ts';
import { type Backend, createDatabase, dropDatabase, vacuumAnalyze } from './kb/database.ts';
import type { IndexRunResult } from './kb/index-run.ts';
import { concurrent, type Latencies, loadRotating, runChild, sequential } from './kb/measure.ts';
import { hasRipgrep, ripgrepDocuments, scanDocuments, scanDocumentsAsync } from './kb/scan.ts';
import type { ServerInfo, ServerMemory } from './kb/server.ts';
import { type LoadResult, startServer, stop } from './lib/measure.ts';

const DOCUMENTS = Number(process.env.BENCH_KB_DOCUMENTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = 20;
const CHANGES = 100;
const QUERIES = 60;
const SEQUENTIAL_ROUNDS = 3;
const SEED = 42;
const AIM_P99_MS = 20;
const AIM_RATIO = 10;

const progress = (line: string) => process.stderr.write(`  ${line}\n`);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

interface BackendResult {
  backend: Backend;
  index: IndexRunResult;
  server: ServerInfo;
  memory: ServerMemory;
  /** One client, one query at a time, over HTTP. */
  single: Latencies;
  /**
   * PostgreSQL only: `single` as the indexer leaves the tables (GIN pending list unmerged, no planner statistics)
   * before the `VACUUM ANALYZE` autovacuum would run; `vacuumMs` is how long that took.
   */
  unsettled?: { single: Latencies; vacuumMs: number };
  /** Mean results per query (limit 10). */
  hits: number;
  load: LoadResult;
}

const loadAtStart = f(loadavg()[0]!, 2);
const dir = await mkdtemp(join(tmpdir(), 'gaia-bench-kb-'));
const repo = join(dir, 'repo');
const database = `kb_bench_${process.pid}`;
let pgCreated = false;

async function waitForInfo(file: string): Promise<ServerInfo> {
  for (let i = 0; i < 300; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text) return JSON.parse(text) as ServerInfo;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the benchmark server did not write its credentials');
}

async function benchBackend(backend: Backend, port: number, revision: number, paths: string[], queries: string[]): Promise<BackendResult> {
  let target = join(dir, 'pglite-data');
  if (backend === 'postgres') {
    target = await createDatabase(ADMIN_URL, database);
    pgCreated = true;
  }
  progress(`${backend}: indexing ${DOCUMENTS} documents, then ${CHANGES} changed ones...`);
  const index = await runChild<IndexRunResult>('bench/kb/index-run.ts', [target, repo, String(DOCUMENTS), String(SEED), String(revision), String(CHANGES)]);
  progress(`${backend}: starting the platform on the index...`);
  const infoFile = join(dir, `${backend}-server.json`);
  const origin = `http://127.0.0.1:${port}`;
  const child = await startServer('bench/kb/server.ts', [String(port), target, repo, infoFile], `${origin}/health`);
  try {
    const server = await waitForInfo(infoFile);
    const headers = { 'x-api-key': server.apiKey };
    let hits = 0;
    const search = async (query: string) => {
      const res = await fetch(origin + paths[queries.indexOf(query)]!, { headers });
      if (!res.ok) throw new Error(`search answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { results: unknown[] }).results.length;
    };
    for (const query of queries) hits += await search(query);
    let unsettled: BackendResult['unsettled'];
    if (backend === 'postgres') {
      progress(`${backend}: ${QUERIES} queries × ${SEQUENTIAL_ROUNDS}, one at a time, as indexed...`);
      const before = await sequential(queries, SEQUENTIAL_ROUNDS, search);
      progress(`${backend}: vacuum analyze (what autovacuum would do; it is off on some test servers)...`);
      const started = performance.now();
      await vacuumAnalyze(target);
      unsettled = { single: before, vacuumMs: performance.now() - started };
    }
    progress(`${backend}: ${QUERIES} queries × ${SEQUENTIAL_ROUNDS}, one at a time...`);
    const single = await sequential(queries, SEQUENTIAL_ROUNDS, search);
    progress(`${backend}: ${CONNECTIONS} connections for ${SECONDS}s after ${WARMUP}s warm-up...`);
    const load = await loadRotating(origin, paths, CONNECTIONS, SECONDS, WARMUP, headers);
    const memory = JSON.parse(await readFile(`${infoFile}.rss`, 'utf8')) as ServerMemory;
    return { backend, index, server, memory, single, ...(unsettled ? { unsettled } : {}), hits: hits / queries.length, load };
  } finally {
    await stop(child);
  }
}

try {
  console.log(
    `kb benchmark: ${DOCUMENTS} documents, ${QUERIES} full-text queries, ${CONNECTIONS} connections for ${SECONDS}s after ${WARMUP}s warm-up, node ${process.version}`,
  );
  const corpus = defineCorpus({ count: DOCUMENTS, seed: SEED });
  progress(`writing and committing ${DOCUMENTS} documents...`);
  const started = performance.now();
  const bytes = await writeCorpus(repo, corpus);
  const corpusMs = performance.now() - started;
  const queries = defineQueries(corpus, QUERIES);
  const paths = queries.map((q) => `/api/v1/kb/search?mode=fulltext&q=${encodeURIComponent(q)}`);
  console.log(
    `  corpus: ${DOCUMENTS} documents, ${f(bytes / 1024 / 1024)} MB (${f(bytes / DOCUMENTS, 0)} B each), ${corpus.words.length} words, ` +
      `written and committed (git fast-import, one pack) in ${seconds(corpusMs)} s`,
  );
  console.log(`  queries: ${queries.slice(0, 6).map((q) => `"${q}"`).join(', ')}, ...`);

  const results = [await benchBackend('postgres', 19301, 1, paths, queries), await benchBackend('pglite', 19302, 2, paths, queries)];

  progress(`scan: ${QUERIES} queries, one at a time...`);
  const matched: number[] = [];
  for (const query of queries) matched.push((await scanDocuments(repo, query)).length);
  const scanSingle = await sequential(queries, 1, (q) => scanDocuments(repo, q));
  progress(`scan: ${CONNECTIONS} at once for ~${SECONDS}s...`);
  const scanLoad = await concurrent(queries, CONNECTIONS, SECONDS, (q) => scanDocumentsAsync(repo, q));
  const rg = (await hasRipgrep()) ? await sequential(queries, 1, (q) => ripgrepDocuments(repo, q)) : null;

  console.log(
    `\nIndex (${DOCUMENTS} documents; open = opening the repository as the service does; full = the first update on an empty index; ` +
      `incremental = the update after a commit re-writing ${CHANGES} of them)`,
  );
  console.log(
    `${'backend'.padEnd(10)}${'open s'.padStart(8)}${'full s'.padStart(8)}${'docs/s'.padStart(8)}${'chunks'.padStart(8)}` +
      `${'incr. docs'.padStart(12)}${'incr. ms'.padStart(10)}${'docs/s'.padStart(8)}${'max RSS MB'.padStart(12)}`,
  );
  for (const { backend, index } of results) {
    console.log(
      `${backend.padEnd(10)}${seconds(index.openMs).padStart(8)}${seconds(index.full.ms).padStart(8)}` +
        `${f((index.full.indexed / index.full.ms) * 1000, 0).padStart(8)}${String(index.full.chunks).padStart(8)}` +
        `${String(index.incremental.indexed).padStart(12)}${f(index.incremental.ms, 0).padStart(10)}` +
        `${f((index.incremental.indexed / index.incremental.ms) * 1000, 0).padStart(8)}${f(index.maxRssMb, 0).padStart(12)}`,
    );
  }

  const rows: [string, Latencies | LoadResult, number][] = [];
  for (const r of results) {
    if (r.unsettled) rows.push([`indexed, ${r.backend}: 1 client, as indexed`, r.unsettled.single, 0]);
    rows.push([`indexed, ${r.backend}: 1 client`, r.single, 0]);
    rows.push([`indexed, ${r.backend}: ${CONNECTIONS} connections`, r.load, r.load.errors + r.load.non2xx + r.load.timeouts]);
  }
  rows.push(['scan (Node, blocking reads): 1 at a time', scanSingle, 0]);
  rows.push([`scan (Node, async reads): ${CONNECTIONS} at once`, scanLoad, 0]);
  if (rg) rows.push(['ripgrep (any word): 1 at a time', rg, 0]);
  console.log(`\nSearch, full text (${QUERIES} rotating queries of 1-3 words; indexed = through the gateway over HTTP, API key)`);
  console.log(`${'scenario'.padEnd(46)}${'req/s'.padStart(9)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'errors'.padStart(8)}`);
  for (const [name, r, errors] of rows) {
    console.log(`${name.padEnd(46)}${f(r.rps, 1).padStart(9)}${f(r.p50, 2).padStart(10)}${f(r.p99, 2).padStart(10)}${String(errors).padStart(8)}`);
  }
  const sortedMatches = [...matched].sort((a, b) => a - b);
  console.log(
    `  documents containing every query word: median ${sortedMatches[Math.floor(QUERIES / 2)]}, max ${sortedMatches.at(-1)}, ` +
      `${matched.filter((m) => m === 0).length} of ${QUERIES} queries match none; indexed search returns ` +
      results.map((r) => `${f(r.hits)} hits/query on ${r.backend}`).join(', ') + ' (limit 10)',
  );

  const pg = results[0]!;
  const lite = results[1]!;
  const ratio = (scan: Latencies, indexed: { p50: number; p99: number }) => ({ p50: scan.p50 / indexed.p50, p99: scan.p99 / indexed.p99 });
  const ratios = [
    { name: 'PG, 1 at a time', ...ratio(scanSingle, pg.single) },
    { name: `PG, ${CONNECTIONS} at once`, ...ratio(scanLoad, pg.load) },
    { name: 'PGlite, 1 at a time', ...ratio(scanSingle, lite.single) },
    { name: `PGlite, ${CONNECTIONS} at once`, ...ratio(scanLoad, lite.load) },
  ];
  console.log('\nSummary');
  const line = (label: string, value: string) => console.log(`  ${label.padEnd(44)}${value}`);
  const docsPerS = (n: number, ms: number) => f((n / ms) * 1000, 0);
  for (const r of results) {
    line(
      `index docs/s, ${r.backend}`,
      `full ${docsPerS(r.index.full.indexed, r.index.full.ms)}, incremental ${docsPerS(r.index.incremental.indexed, r.index.incremental.ms)} ` +
        `(${r.index.incremental.indexed} re-indexed of ${r.index.incremental.changed} changed)`,
    );
  }
  for (const r of results) {
    line(
      `search ${r.backend}, ${CONNECTIONS} connections`,
      `p50 ${f(r.load.p50, 2)} ms, p99 ${f(r.load.p99, 2)} ms, ${f(r.load.rps, 0)} req/s`,
    );
    line(`search ${r.backend}, 1 client`, `p50 ${f(r.single.p50, 2)} ms, p99 ${f(r.single.p99, 2)} ms, ${f(r.single.rps, 0)} req/s`);
    if (r.unsettled) {
      line(
        `search ${r.backend}, 1 client, as indexed`,
        `p50 ${f(r.unsettled.single.p50, 2)} ms, p99 ${f(r.unsettled.single.p99, 2)} ms (before a ${f(r.unsettled.vacuumMs, 0)} ms VACUUM ANALYZE)`,
      );
    }
  }
  line('scan, 1 at a time', `p50 ${f(scanSingle.p50)} ms, p99 ${f(scanSingle.p99)} ms${rg ? `; ripgrep p50 ${f(rg.p50)}, p99 ${f(rg.p99)}` : '; ripgrep not installed'}`);
  line(`scan, ${CONNECTIONS} at once`, `p50 ${f(scanLoad.p50, 0)} ms, p99 ${f(scanLoad.p99, 0)} ms, ${f(scanLoad.rps)} scans/s`);
  for (const r of ratios) line(`scan/indexed, ${r.name}`, `${f(r.p50)}× at p50, ${f(r.p99)}× at p99`);
  for (const r of results) {
    line(
      `server ${r.backend}`,
      `RSS ${f(r.memory.rssMb, 0)} MB (peak ${f(r.memory.maxRssMb, 0)}) after the load, start on the index ${seconds(r.server.startMs)} s`,
    );
  }
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const pgRatios = ratios.filter((r) => r.name.startsWith('PG,'));
  const minRatio = Math.min(...pgRatios.flatMap((r) => [r.p50, r.p99]));
  console.log(
    `\n  aim: full-text p99 ≤ ${AIM_P99_MS} ms on PostgreSQL: 1 client ${f(pg.single.p99, 2)} ms — ${met(pg.single.p99 <= AIM_P99_MS)}; ` +
      `${CONNECTIONS} connections ${f(pg.load.p99, 2)} ms — ${met(pg.load.p99 <= AIM_P99_MS)} ` +
      `(at ${CONNECTIONS} connections latency ≈ ${CONNECTIONS} / throughput: ${f((CONNECTIONS / pg.load.rps) * 1000)} ms here)` +
      `\n  aim: ≥ ${AIM_RATIO}× faster than the scan on PostgreSQL (p50 and p99, 1 at a time and ${CONNECTIONS} at once): ` +
      `at least ${f(minRatio)}× — ${met(minRatio >= AIM_RATIO)}` +
      `\n  load average (1 min) ${loadAtStart} at the start, ${f(loadavg()[0]!, 2)} at the end, on ${cpus().length} cores (other work on the machine skews every figure)`,
  );
} finally {
  if (pgCreated) await dropDatabase(ADMIN_URL, database).catch((err: unknown) => progress(`could not drop database ${database}: ${String(err)}`));
  await rm(dir, { recursive: true, force: true });
}
