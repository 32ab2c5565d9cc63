import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformApps } from '../../../all-in-one/build.ts';
import { buildTestPlatform } from '../../../all-in-one/testing.ts';
import { generateSigningKey, type SigningKey } from '../../../lib/auth/signing-keys.ts';
import { createMemoryLogger, silentLogger } from '../../../lib/logging/logger.ts';
import { type RunningServer, serveNode } from '../../../lib/node/serve.ts';
import { createMemoryRateLimiter } from '../../../lib/ratelimit/memory.ts';
import { Readiness } from '../../../lib/readiness/readiness.ts';
import { httpClient, inProcessClient } from '../../../lib/service/client.ts';
import type { ServiceClient, ServiceName } from '../../../lib/service/types.ts';
import { createTestRuntime, type TestRuntime } from '../../../lib/testing/harness.ts';
import { gatedFs } from '../../kb/testing/gated-fs.ts';
import { createApp } from '../app.ts';
import { eventually } from '../auth/testing.ts';

interface ReadyBody {
  ready?: boolean;
  components?: Record<string, { status: string; error?: string }>;
  error?: { code: string; message: string; details?: { components: Record<string, { status: string; error?: string }> } };
}

function gatewayOver(services: Record<ServiceName, ServiceClient>, internalKey: SigningKey, runtime: TestRuntime) {
  const logger = createMemoryLogger();
  const app = createApp({
    logger,
    readiness: new Readiness(logger),
    services,
    probes: {},
    docsAssets: async () => null,
    options: { corsOrigins: [], bodyLimitBytes: 1024, upstreamTimeoutMs: 5_000, healthTimeoutMs: 500 },
    internalKey,
    kv: runtime.kv,
    rateLimiter: createMemoryRateLimiter(),
  });
  const ready = async () => {
    const res = await app.request('/ready');
    return { status: res.status, body: (await res.json()) as ReadyBody };
  };
  return { app, ready, logger };
}

const web = inProcessClient('web', () => new Response('web'));

/** The gateway run alone, in front of services that listen on their own ports. */
describe("the gateway's /ready with services over HTTP", () => {
  let runtime: TestRuntime;
  let platform: PlatformApps;
  let internalKey: SigningKey;
  const kbFs = gatedFs();
  const servers = new Map<string, RunningServer>();

  beforeAll(async () => {
    runtime = await createTestRuntime();
    internalKey = await generateSigningKey('gateway-ready-test');
    platform = await buildTestPlatform(runtime, { internalKey, fs: kbFs.fs });
    for (const [name, app] of Object.entries(platform.services)) {
      servers.set(name, await serveNode({ name, fetch: app.fetch, port: 0, host: '127.0.0.1', logger: silentLogger }));
    }
  });
  afterAll(async () => {
    kbFs.open();
    await Promise.all([...servers.values()].map((server) => server.close(500)));
    platform.stop();
    await runtime.close();
  });

  it('is 503 naming the service that is not ready, 200 once all are, 503 again when one is unreachable', async () => {
    const remote = Object.fromEntries([...servers].map(([name, server]) => [name, httpClient(name as ServiceName, server.url)]));
    const gateway = gatewayOver({ ...(remote as Record<Exclude<ServiceName, 'web'>, ServiceClient>), web }, internalKey, runtime);

    // The knowledge base cannot read its repository yet; everything else comes up.
    await eventually(async () => (await gateway.ready()).body.error?.message === 'Not ready: kb (repository: starting)', 15_000, 'only kb to be waiting');
    const waiting = await gateway.ready();
    expect(waiting.status).toBe(503);
    expect(waiting.body.error?.code).toBe('NOT_READY');
    expect(waiting.body.error?.details?.components).toMatchObject({
      auth: { status: 'ready' },
      chat: { status: 'ready' },
      asset: { status: 'ready' },
      kb: { status: 'failing', error: 'repository: starting' },
    });

    kbFs.open();
    await platform.started;
    const up = await gateway.ready();
    expect(up.status).toBe(200);
    expect(up.body).toEqual({
      ready: true,
      components: Object.fromEntries(['auth', 'asset', 'chat', 'kb'].map((name) => [name, { status: 'ready', attempts: 0 }])),
    });

    await servers.get('kb')!.close(500);
    servers.delete('kb');
    const down = await gateway.ready();
    expect(down.status).toBe(503);
    expect(down.body.error?.message).toMatch(/^Not ready: kb \(unreachable: /);
    expect(Object.keys(down.body.error?.details?.components ?? {}).filter((name) => down.body.error?.details?.components[name]?.status !== 'ready')).toEqual(['kb']);
    // Refusing /ready is expected: a warning with its code, not an "unhandled error".
    expect(gateway.logger.entries()).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'request refused', code: 'NOT_READY' }));
    expect(gateway.logger.entries().filter((e) => e.level === 'error')).toEqual([]);
  });

  it('reports a service answering /ready with something other than its envelope by the status, and a hung one by the timeout', async () => {
    const inProcess = Object.fromEntries(
      Object.entries(platform.services).map(([name, app]) => [name, inProcessClient(name as ServiceName, (r) => app.fetch(r))]),
    ) as Record<Exclude<ServiceName, 'web'>, ServiceClient>;
    const gateway = gatewayOver(
      {
        ...inProcess,
        asset: inProcessClient('asset', () => new Response('<html>Bad Gateway</html>', { status: 502 })),
        chat: inProcessClient('chat', () => new Promise<Response>(() => {})),
        web,
      },
      internalKey,
      runtime,
    );
    const started = performance.now();
    const answer = await gateway.ready();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(answer.status).toBe(503);
    expect(answer.body.error?.details?.components).toMatchObject({
      asset: { status: 'failing', error: '/ready answered 502' },
      chat: { status: 'failing', error: 'no answer within 500 ms' },
      auth: { status: 'ready' },
    });
  });
});
