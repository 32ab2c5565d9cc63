import type { OpenAPIHono } from '@hono/zod-openapi';
import { buildTestPlatform } from '../../../all-in-one/testing.ts';
import type { PlatformApps } from '../../../all-in-one/build.ts';
import { createInternalTokenVerifier, INTERNAL_TOKEN_HEADER } from '../../../lib/auth/internal-token.ts';
import { generateSigningKey, type SigningKey } from '../../../lib/auth/signing-keys.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import { createMemoryKv } from '../../../lib/kv/memory.ts';
import { createRedisKv } from '../../../lib/kv/redis.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { createMemoryRateLimiter } from '../../../lib/ratelimit/memory.ts';
import { Readiness } from '../../../lib/readiness/readiness.ts';
import { inProcessClient } from '../../../lib/service/client.ts';
import type { ServiceClient, ServiceName } from '../../../lib/service/types.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { createTestRuntime, type TestRuntime } from '../../../lib/testing/harness.ts';
import { deleteKvPrefix, uniqueKvPrefix } from '../../../lib/testing/kv.ts';
import { TEST_ISSUER } from '../../auth/testing.ts';
import { isolatedDb } from '../../auth/api-keys/test-support.ts';
import { createApp } from '../app.ts';
import type { GatewayDeps } from '../deps.ts';
import type { GatewayEnv } from '../env.ts';

/** Test-only helpers for the gateway's identity, rate-limit and cache suites. */

/**
 * `REDIS_URL` for suites that need a real Redis; in CI (`CI=true`) a missing one throws instead of skipping.
 * @example const redisUrl = requiredRedisUrl(); describe.skipIf(!redisUrl)(...)
 */
export function requiredRedisUrl(env: Record<string, string | undefined> = process.env): string | undefined {
  const url = env.REDIS_URL || undefined;
  if (env.CI === 'true' && !url) throw new Error('CI must set REDIS_URL: the multi-instance gateway tests need a real Redis');
  return url;
}

/** What a group of gateway instances shares: one in-memory KV, or (with `REDIS_URL`) a Redis client each. */
export function kvGroupBackends(): { name: string; group: () => { client(): Kv; close(): Promise<void> } }[] {
  const redisUrl = requiredRedisUrl();
  return [
    {
      name: 'one in-memory KV',
      group: () => {
        const kv = createMemoryKv();
        return { client: () => kv, close: () => kv.close() };
      },
    },
    ...(redisUrl ? [{ name: 'Redis, a client each', group: () => redisKvGroup(redisUrl) }] : []),
  ];
}

/** Redis KV clients sharing one fresh key prefix (as separate processes would), and the cleanup of that prefix. */
export function redisKvGroup(redisUrl: string) {
  const prefix = uniqueKvPrefix('gw');
  const clients: Kv[] = [];
  return {
    prefix,
    client(): Kv {
      const kv = createRedisKv(redisUrl, { keyPrefix: prefix });
      clients.push(kv);
      return kv;
    },
    async close() {
      await Promise.allSettled(clients.map((kv) => kv.close()));
      await deleteKvPrefix(redisUrl, prefix);
    },
  };
}

export interface GatewayTestbed {
  runtime: TestRuntime;
  platform: PlatformApps;
  /** The gateway key the platform's auth service publishes. */
  internalKey: SigningKey;
  /** In-process clients of the platform's services (web answers 200 `web`). */
  services: Record<ServiceName, ServiceClient>;
  /** A fresh gateway over the platform's services: its own memory rate limiter and the runtime's KV unless given. */
  gateway(overrides?: Partial<GatewayDeps>): OpenAPIHono<GatewayEnv>;
  close(): Promise<void>;
}

/**
 * The whole platform in process (PostgreSQL in a fresh database when `DATABASE_URL` is set, else PGlite), started,
 * plus a factory of gateways in front of its services. `kv` becomes the platform's KV (the auth service publishes
 * key revocations on it).
 * @example const bed = await createGatewayTestbed(); const app = bed.gateway(); afterAll(() => bed.close());
 */
export async function createGatewayTestbed(options: { kv?: Kv } = {}): Promise<GatewayTestbed> {
  const backend = dbBackends().at(-1)!;
  const database = await isolatedDb(backend);
  const runtime = await createTestRuntime({ db: database.db, ...(options.kv ? { kv: options.kv } : {}) });
  const internalKey = await generateSigningKey('gateway-test');
  const platform = await buildTestPlatform(runtime, { internalKey });
  await platform.started;
  const services = {
    ...(Object.fromEntries(
      Object.entries(platform.services).map(([name, app]) => [name, inProcessClient(name as ServiceName, (r) => app.fetch(r))]),
    ) as Record<Exclude<ServiceName, 'web'>, ServiceClient>),
    web: inProcessClient('web', () => new Response('web', { status: 200 })),
  };
  const limiters: { close?: () => Promise<void> }[] = [];
  return {
    runtime,
    platform,
    internalKey,
    services,
    gateway(overrides = {}) {
      const logger = createMemoryLogger('warn');
      const rateLimiter = overrides.rateLimiter ?? createMemoryRateLimiter();
      limiters.push(rateLimiter);
      return createApp({
        logger,
        readiness: new Readiness(logger),
        services,
        probes: {},
        docsAssets: async () => null,
        options: { corsOrigins: ['http://localhost:8080'], bodyLimitBytes: 64 * 1024, upstreamTimeoutMs: 5_000, healthTimeoutMs: 500, authIssuer: TEST_ISSUER },
        internalKey,
        kv: runtime.kv,
        rateLimiter,
        ...overrides,
      });
    },
    async close() {
      platform.stop();
      await Promise.allSettled(limiters.map((limiter) => limiter.close?.()));
      await runtime.close();
      await database.close();
    },
  };
}

/** A request init for a JSON body. */
export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

export interface TestUser {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
}

type Fetcher = { request: (path: string, init?: RequestInit, env?: unknown) => Response | Promise<Response> };

/**
 * Registers and logs in a fresh user through a gateway (`/api/v1/auth/register`, `/api/v1/auth/login`), from `ip`
 * (by default a random one, so sign-ups do not use up one address's login limit).
 * @example const ada = await signUp(app); await app.request('/api/v1/auth/me', { headers: bearer(ada) });
 */
export async function signUp(app: Fetcher, ip = randomIp()): Promise<TestUser> {
  const email = `gw-${crypto.randomUUID()}@example.com`;
  const password = 'correct horse battery';
  const env = socketEnv(ip);
  const registered = await app.request('/api/v1/auth/register', jsonRequest('POST', { email, password }), env);
  if (registered.status !== 200) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  const login = await app.request('/api/v1/auth/login', jsonRequest('POST', { email, password }), env);
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const body = (await login.json()) as { access_token: string; user: { id: string } };
  return { email, password, userId: body.user.id, accessToken: body.access_token };
}

/** `Authorization: Bearer <access token>` of a test user. */
export const bearer = (user: TestUser | string) => ({ authorization: `Bearer ${typeof user === 'string' ? user : user.accessToken}` });

/**
 * Creates an API key for `user` through a gateway (`POST /api/v1/auth/api-keys`).
 * @example const { key, id } = await createApiKey(app, ada);
 */
export async function createApiKey(app: Fetcher, user: TestUser): Promise<{ id: string; key: string }> {
  const res = await app.request('/api/v1/auth/api-keys', jsonRequest('POST', { name: 'gateway test' }, bearer(user)), socketEnv(randomIp()));
  if (res.status !== 201) throw new Error(`create api key answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string; key: string };
}

/** A random private IPv4 address. */
export function randomIp(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

/** The `env` `@hono/node-server` passes, with the caller's socket address: `app.request(path, init, socketEnv(ip))`. */
export function socketEnv(ip: string) {
  return { incoming: { socket: { remoteAddress: ip } } };
}

export { eventually } from '../../../lib/testing/async.ts';

/**
 * A stand-in service that answers every request with the principal of its `X-Gaia-Identity` (verified with the
 * gateway's public key, audience `name`) as `{ principal, path, calls }`, or `{ principal: null }` without a valid one.
 * `routes` may answer chosen paths differently (e.g. with cache headers).
 * @example const kb = identityEchoService('kb', internalKey); bed.gateway({ services: { ...bed.services, kb: kb.client } });
 */
export function identityEchoService(
  name: ServiceName,
  key: SigningKey,
  routes: Record<string, (principal: Principal | null, calls: number) => Response> = {},
) {
  const verifier = createInternalTokenVerifier({ audience: name, jwks: { keys: [key.publicJwk] } });
  let calls = 0;
  const fetch = async (request: Request): Promise<Response> => {
    calls++;
    const token = request.headers.get(INTERNAL_TOKEN_HEADER);
    const principal = token ? await verifier.verify(token).catch(() => null) : null;
    const path = new URL(request.url).pathname;
    const route = routes[path];
    if (route) return route(principal, calls);
    return Response.json({ principal, path, calls });
  };
  return {
    client: inProcessClient(name, fetch),
    get calls() {
      return calls;
    },
  };
}
