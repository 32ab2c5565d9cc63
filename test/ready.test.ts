import { afterEach, describe, expect, it } from 'vitest';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { jsonRequest, randomIp, socketEnv } from '../apps/gateway/auth/testing.ts';
import { gatedFs } from '../apps/kb/testing/gated-fs.ts';
import { createPgliteDb } from '../lib/db/pglite.ts';
import { createPostgresDb } from '../lib/db/postgres.ts';
import type { Db } from '../lib/db/types.ts';
import { createFreshDatabase } from '../lib/testing/db.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';

/** A new, empty database of each kind: PGlite in memory, and a `gaia_ready_<random>` PostgreSQL database (dropped after). */
const newDatabases: { name: string; create: () => Promise<{ db: Db; drop: () => Promise<void> }> }[] = [
  { name: 'pglite', create: async () => ({ db: await createPgliteDb(), drop: async () => {} }) },
  ...(process.env.DATABASE_URL
    ? [
        {
          name: 'postgres',
          create: async () => {
            const fresh = await createFreshDatabase(process.env.DATABASE_URL!, 'gaia_ready');
            return { db: createPostgresDb(fresh.url, { max: 4, connectTimeoutS: 5 }), drop: () => fresh.drop() };
          },
        },
      ]
    : []),
];

interface ReadyAnswer {
  status: number;
  body: { ready?: boolean; components?: Record<string, { status: string }>; error?: { code: string; message: string } };
}

async function ready(platform: PlatformApps): Promise<ReadyAnswer> {
  const res = await platform.gateway.request('/ready');
  return { status: res.status, body: (await res.json()) as ReadyAnswer['body'] };
}

/** Polls the gateway's `/ready` (every 2 ms, as an eager load balancer would) until `until` holds; returns every answer. */
async function pollReady(platform: PlatformApps, until: (answer: ReadyAnswer) => boolean, timeoutMs = 30_000): Promise<ReadyAnswer[]> {
  const answers: ReadyAnswer[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await ready(platform);
    answers.push(answer);
    if (until(answer)) return answers;
    if (Date.now() > deadline) throw new Error(`/ready still ${answer.status} after ${timeoutMs} ms: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Register (GAIA), a KB search and a GAIA chat, one right after the other, from one client address. */
async function useEverything(platform: PlatformApps) {
  const env = socketEnv(randomIp());
  const email = `ready-${crypto.randomUUID()}@example.com`;
  const register = await platform.gateway.request('/api/v1/auth/register', jsonRequest('POST', { email, password: 'correct horse battery' }), env);
  const registered = (await register.json()) as { session?: { access_token: string }; detail?: string };
  const auth = { authorization: `Bearer ${registered.session?.access_token ?? 'none'}` };
  const search = await platform.gateway.request('/api/v1/kb/search?q=welcome', { headers: auth }, env);
  const chat = await platform.gateway.request('/api/v1/chat', jsonRequest('POST', { message: 'hello' }, auth), env);
  return {
    statuses: { register: register.status, search: search.status, chat: chat.status },
    bodies: { register: registered, search: await search.text(), chat: await chat.text() },
    auth,
    env,
  };
}

describe.each(newDatabases)('the gateway /ready of the all-in-one platform on a new $name database', ({ create }) => {
  let runtime: TestRuntime | undefined;
  let platform: PlatformApps | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    platform?.stop();
    // A start-up task cut short by stop() settles at once; one still blocked (a failed test) must not hang the suite.
    if (platform) await Promise.race([platform.started, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    await runtime?.close();
    await runtime?.db.close();
    await drop?.();
    platform = runtime = drop = undefined;
  });

  it('answers 503 until every service is ready; right after the first 200 register, KB search and chat all work', async () => {
    const database = await create();
    drop = database.drop;
    runtime = await createTestRuntime({ db: database.db });
    platform = await buildTestPlatform(runtime);

    const answers = await pollReady(platform, (answer) => answer.status === 200);
    const used = await useEverything(platform);
    expect(used.statuses, JSON.stringify(used.bodies)).toEqual({ register: 200, search: 200, chat: 200 });

    // Before that, /ready said what it waited for (the migrations of a new database take a while).
    const refusals = answers.filter((a) => a.status !== 200);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal.status).toBe(503);
      expect(refusal.body.error).toMatchObject({ code: 'NOT_READY', message: expect.stringMatching(/^Not ready: .*\b(auth|chat|asset|kb)\b/) });
    }
    const last = answers.at(-1)!;
    expect(last.body.ready).toBe(true);
    for (const service of ['auth', 'chat', 'asset', 'kb']) expect(last.body.components?.[service]?.status).toBe('ready');
  }, 60_000);

  it('stays 503 naming kb while the knowledge base is still indexing, and its 503s log at warn with their code', async () => {
    const database = await create();
    drop = database.drop;
    runtime = await createTestRuntime({ db: database.db });
    const kbFs = gatedFs();
    platform = await buildTestPlatform(runtime, { fs: kbFs.fs });

    // Everything but the knowledge base comes up.
    const waiting = await pollReady(platform, (a) => /^Not ready: kb \(repository: starting\)$/.test(a.body.error?.message ?? ''));
    expect(waiting.at(-1)?.status).toBe(503);
    const early = await useEverything(platform);
    expect(early.statuses.register).toBe(200);
    expect(early.statuses.search).toBe(503);
    expect(JSON.parse(early.bodies.search).error.code).toBe('KB_NOT_READY');
    expect((await ready(platform)).status).toBe(503);

    const logs = runtime.logger.entries();
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'request refused', service: 'kb', code: 'KB_NOT_READY', status: 503 }),
    );
    expect(logs.filter((e) => e.msg === 'unhandled error' || e.level === 'error')).toEqual([]);

    kbFs.open();
    await pollReady(platform, (a) => a.status === 200);
    const later = await useEverything(platform);
    expect(later.statuses, JSON.stringify(later.bodies)).toEqual({ register: 200, search: 200, chat: 200 });

    // Semantic search without an embeddings provider is refused on purpose, not a bug.
    const semantic = await platform.gateway.request('/api/v1/kb/search?q=welcome&mode=semantic', { headers: later.auth }, later.env);
    expect(semantic.status).toBe(503);
    expect(runtime.logger.entries()).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'request refused', service: 'kb', code: 'KB_SEMANTIC_UNAVAILABLE' }),
    );
    expect(runtime.logger.entries().filter((e) => e.msg === 'unhandled error' || e.level === 'error')).toEqual([]);
  }, 60_000);
});
