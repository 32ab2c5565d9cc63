/**
 * Server child process for the auth benchmark: `tsx bench/auth/server.ts <port> <memory|redis> <credentialsFile>`.
 * The gateway (full middleware stack, identity, rate limiter) in front of the real auth service and the benchmark's
 * asset route, all in-process; signs up a user, makes an API key and writes `{ jwt, apiKey }` to credentialsFile.
 */
import { writeFile } from 'node:fs/promises';
import { buildTestPlatform } from '../../all-in-one/testing.ts';
import { createApp } from '../../apps/gateway/app.ts';
import { TEST_ISSUER } from '../../apps/auth/testing.ts';
import { generateSigningKey } from '../../lib/auth/signing-keys.ts';
import { processLogger } from '../../lib/node/runtime.ts';
import { serveNode } from '../../lib/node/serve.ts';
import { createMemoryRateLimiter } from '../../lib/ratelimit/memory.ts';
import { createRedisRateLimiter } from '../../lib/ratelimit/redis.ts';
import { Readiness } from '../../lib/readiness/readiness.ts';
import { inProcessClient } from '../../lib/service/client.ts';
import type { ServiceClient, ServiceName } from '../../lib/service/types.ts';
import { createTestRuntime } from '../../lib/testing/harness.ts';
import { createBenchUpstream } from '../gateway/upstream.ts';
import { benchCredentials } from '../lib/platform.ts';

const [portArg, mode, credentialsFile] = process.argv.slice(2);
const logger = processLogger('gateway', 'info');
const runtime = await createTestRuntime();
const internalKey = await generateSigningKey('bench-gateway');
const platform = await buildTestPlatform(runtime, { internalKey });
await platform.started;
const upstream = createBenchUpstream(logger);
const services = {
  ...Object.fromEntries(Object.entries(platform.services).map(([n, a]) => [n, inProcessClient(n as ServiceName, (r) => a.fetch(r))])),
  asset: inProcessClient('asset', (request) => upstream.fetch(request)),
  web: inProcessClient('web', () => new Response(null, { status: 404 })),
} as Record<ServiceName, ServiceClient>;
const rateLimiter =
  mode === 'redis' ? createRedisRateLimiter(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: `bench:${Date.now()}:` }) : createMemoryRateLimiter();
const gateway = createApp({
  logger,
  readiness: new Readiness(logger),
  services,
  probes: {},
  docsAssets: async () => null,
  options: {
    corsOrigins: [],
    bodyLimitBytes: 1024 * 1024,
    upstreamTimeoutMs: 60_000,
    healthTimeoutMs: 2_000,
    authIssuer: TEST_ISSUER,
    // Far above what the benchmark sends: every request pays for the check, none is refused.
    rateLimits: { anonPerMinute: 1e9, perMinute: 1e9, loginPerMinute: 1e9 },
  },
  internalKey,
  kv: runtime.kv,
  rateLimiter,
});

const { jwt, apiKey } = await benchCredentials(gateway, 'bench');
await serveNode({ name: 'gateway', fetch: gateway.fetch, port: Number(portArg), host: '127.0.0.1', logger });
await writeFile(credentialsFile!, JSON.stringify({ jwt, apiKey }));
