/**
 * Server child process of the kb benchmark: `tsx bench/kb/server.ts <port> <dbTarget> <repoDir> <resultFile>`.
 * The whole platform (gateway, auth, kb...) in-process on the given database, its knowledge base on `repoDir` (the
 * repository is reused and brought up to date on start), served over HTTP. Signs up a user, makes an API key and
 * writes {@link ServerInfo} to `resultFile`; then rewrites `<resultFile>.rss` every second with its memory.
 */
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { buildTestPlatform } from '../../all-in-one/testing.ts';
import type { KbSettings } from '../../apps/kb/config.ts';
import { createLogger } from '../../lib/logging/logger.ts';
import { serveNode } from '../../lib/node/serve.ts';
import { createStdoutSink } from '../../lib/node/stdout-sink.ts';
import { createTestRuntime } from '../../lib/testing/harness.ts';
import { BENCH_GATEWAY_OPTIONS, benchCredentials } from '../lib/platform.ts';
import { openDb } from './database.ts';

export interface ServerInfo {
  apiKey: string;
  /** From building the platform to `started` (migrations, opening the repository, catching the index up). */
  startMs: number;
  /** The service's 'knowledge base indexed' log line. */
  indexed: Record<string, unknown> | null;
}

export interface ServerMemory {
  rssMb: number;
  maxRssMb: number;
  heapUsedMb: number;
}

const [portArg, target, dir, resultFile] = process.argv.slice(2);
if (!portArg || !target || !dir || !resultFile) throw new Error('usage: server.ts <port> <dbTarget> <repoDir> <resultFile>');

// Production-like logging (a JSON line per request, batched to stdout), keeping the line the benchmark reports.
let indexed: Record<string, unknown> | null = null;
const stdout = createStdoutSink();
const logger = createLogger({
  level: 'info',
  sink: (line) => {
    if (line.includes('"msg":"knowledge base indexed"')) indexed = JSON.parse(line) as Record<string, unknown>;
    stdout(line);
  },
});
const kb: KbSettings = { dir, branch: 'main', syncIntervalMs: 0, maxFileBytes: 1024 * 1024 };
const runtime = await createTestRuntime({ db: await openDb(target) });
const started = performance.now();
const platform = await buildTestPlatform(runtime, {
  logger,
  kb,
  gateway: BENCH_GATEWAY_OPTIONS,
});
await platform.started;
const startMs = performance.now() - started;
const { gateway } = platform;

const { apiKey } = await benchCredentials(gateway, 'kb-bench');

await serveNode({ name: 'gateway', fetch: gateway.fetch, port: Number(portArg), host: '127.0.0.1', logger });
const mb = (bytes: number) => bytes / 1024 / 1024;
const writeMemory = () => {
  const memory: ServerMemory = {
    rssMb: mb(process.memoryUsage.rss()),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: mb(process.memoryUsage().heapUsed),
  };
  writeFileSync(`${resultFile}.rss`, JSON.stringify(memory));
};
writeMemory();
setInterval(writeMemory, 1000).unref();
await writeFile(resultFile, JSON.stringify({ apiKey, startMs, indexed } satisfies ServerInfo));
