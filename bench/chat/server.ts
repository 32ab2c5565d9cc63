/**
 * Platform child of the chat benchmark:
 * `node --import tsx bench/chat/server.ts <port> <postgres-url|pglite-dir> <providerBaseURL> <plain|profile>`.
 * The whole platform in-process (gateway, auth, chat...) on the given database, chat configured with one OpenAI
 * provider at `providerBaseURL` (no fallback, generous timeouts), served over HTTP (port 0: a free one) with
 * production-like logging (JSON lines to stdout, which the benchmark discards). Signs up a user, makes an API key and
 * sends `{ apiKey, pid, url }` over IPC. With `profile`, times each streamed request's way through (see profile.ts)
 * and answers `summary`/`reset`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildTestPlatform } from '../../all-in-one/testing.ts';
import { testChatSettings } from '../../apps/chat/testing/settings.ts';
import { createDb } from '../../lib/db/create-db.ts';
import { createLogger } from '../../lib/logging/logger.ts';
import { serveNode } from '../../lib/node/serve.ts';
import { createStdoutSink } from '../../lib/node/stdout-sink.ts';
import { createTestRuntime } from '../../lib/testing/harness.ts';
import { BENCH_GATEWAY_OPTIONS, benchCredentials } from '../lib/platform.ts';
import { createProfiler } from './profile.ts';

/** The event loop's delay over a measured window (sampled every 5 ms). */
export interface ServerStats {
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const [portArg, target, baseURL, mode] = process.argv.slice(2);
if (!portArg || !target || !baseURL) throw new Error('usage: server.ts <port> <postgres-url|pglite-dir> <providerBaseURL> <plain|profile>');

const profiler = mode === 'profile' ? createProfiler(new URL(baseURL).origin) : null;
const logger = createLogger({ level: 'info', sink: createStdoutSink() });
const raw = await createDb(target.startsWith('postgres') ? { databaseUrl: target, max: 10 } : { dataDir: target });
const runtime = await createTestRuntime({ db: profiler ? profiler.db(raw) : raw });
const platform = await buildTestPlatform(runtime, {
  logger,
  gateway: BENCH_GATEWAY_OPTIONS,
  chat: testChatSettings({
    providers: { openai: { apiKey: 'bench', baseURL, models: ['gpt-4o-mini'] }, defaults: { model: 'openai/gpt-4o-mini', fallback: false } },
    reliability: { firstEventTimeoutMs: 30_000, idleTimeoutMs: 30_000, maxAttempts: 1 },
    limits: { maxSteps: 4, turnTimeoutMs: 120_000 },
  }),
});
await platform.started;
const { gateway } = platform;
if (profiler) platform.services.chat.fetch = profiler.service(platform.services.chat.fetch);

const { apiKey } = await benchCredentials(gateway, 'chat-bench');

const fetch = profiler ? profiler.handler((request) => gateway.fetch(request)) : gateway.fetch;
const server = await serveNode({ name: 'gateway', fetch, port: Number(portArg), host: '127.0.0.1', logger });
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
const ms = (ns: number) => ns / 1e6;
/** Over IPC: `reset` starts a measured window, `stats` ends it (event-loop delay), `summary` answers the profile. */
process.on('message', (message: { type?: string }) => {
  if (message.type === 'reset') {
    delay.reset();
    profiler?.reset();
    process.send?.({ ok: true });
  } else if (message.type === 'stats') {
    const stats: ServerStats = { loopDelayP50Ms: ms(delay.percentile(50)), loopDelayP99Ms: ms(delay.percentile(99)), loopDelayMaxMs: ms(delay.max) };
    process.send?.(stats);
  } else {
    process.send?.(profiler?.summary() ?? null);
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ apiKey, pid: process.pid, url: server.url });
