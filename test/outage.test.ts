import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../apps/auth/app.ts';
import { startAuth } from '../apps/auth/deps.ts';
import { createAuthTestDeps } from '../apps/auth/testing.ts';
import { createPostgresDb } from '../lib/db/postgres.ts';
import { createRedisKv } from '../lib/kv/redis.ts';
import { watchKv } from '../lib/node/runtime.ts';
import { createTestRuntime } from '../lib/testing/harness.ts';
import { startTcpProxy } from '../lib/testing/tcp-proxy.ts';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (process.env.CI === 'true' && (!databaseUrl || !redisUrl)) {
  throw new Error('CI must set DATABASE_URL and REDIS_URL: the outage tests would otherwise be skipped');
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function readyStatus(app: { request: (path: string) => Response | Promise<Response> }) {
  const res = await app.request('/ready');
  return { status: res.status, body: await res.json() };
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function viaProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

describe.skipIf(!databaseUrl)('PostgreSQL outage', () => {
  it('a service starting while PostgreSQL is down answers /ready 503, retries, and recovers by itself', async () => {
    const target = new URL(databaseUrl!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    await proxy.stop();
    const db = createPostgresDb(viaProxy(databaseUrl!, proxy.port), { max: 2, connectTimeoutS: 2 });
    const runtime = await createTestRuntime({ db });
    cleanups.push(async () => {
      await runtime.close();
      await db.close();
    });
    const deps = createAuthTestDeps(runtime);
    const app = createApp(deps);
    const started = startAuth(deps);

    await eventually(async () => runtime.logger.entries().some((e) => e.msg === 'dependency not ready, will retry'), 'a retry');
    const down = await readyStatus(app);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('NOT_READY');
    expect(down.body.error.message).toMatch(/database \(PostgreSQL connection to .* failed/);
    expect(JSON.stringify(down.body)).not.toContain(new URL(databaseUrl!).password || '\u0000');
    expect((await app.request('/health')).status).toBe(200);

    await proxy.start();
    await started;
    expect((await readyStatus(app)).status).toBe(200);

    await proxy.stop();
    const lost = await readyStatus(app);
    expect(lost.status).toBe(503);
    expect(lost.body.error.details.components.database.status).toBe('failing');
    await proxy.start();
    await eventually(async () => (await readyStatus(app)).status === 200, 'readiness after PostgreSQL came back');
  });
});

describe.skipIf(!redisUrl)('Redis outage', () => {
  it('/ready turns 503 while Redis is unreachable and 200 again when it is back, without a restart', async () => {
    const target = new URL(redisUrl!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    cleanups.push(() => proxy.close());
    const kv = createRedisKv(viaProxy(redisUrl!, proxy.port));
    const runtime = await createTestRuntime({ kv });
    cleanups.push(async () => {
      await runtime.close();
      await kv.close();
    });
    watchKv(runtime.readiness, kv);
    const deps = createAuthTestDeps(runtime);
    const app = createApp(deps);
    await startAuth(deps);
    await eventually(async () => (await readyStatus(app)).status === 200, 'initial readiness');

    await proxy.stop();
    await eventually(async () => (await readyStatus(app)).status === 503, 'readiness to notice Redis is down');
    const down = await readyStatus(app);
    expect(down.body.error.message).toContain('redis');
    expect((await app.request('/health')).status).toBe(200);

    await proxy.start();
    await eventually(async () => (await readyStatus(app)).status === 200, 'readiness after Redis came back');
  });
});
