import { importSigningKey } from '../../lib/auth/signing-keys.ts';
import { loadConfigOrExit } from '../../lib/config/config.ts';
import { directoryAssets } from '../../lib/http/assets.ts';
import { createMemoryKv } from '../../lib/kv/memory.ts';
import { createUpstashKv } from '../../lib/kv/upstash.ts';
import { createLogger } from '../../lib/logging/logger.ts';
import { createMemoryRateLimiter } from '../../lib/ratelimit/memory.ts';
import { createUpstashRateLimiter } from '../../lib/ratelimit/upstash.ts';
import { Readiness } from '../../lib/readiness/readiness.ts';
import { fetchTransport } from '../../lib/service/transport-fetch.ts';
import { createApp } from './app.ts';
import { GatewayConfigSchema, gatewayOptions } from './config.ts';
import { SWAGGER_FILES } from './routes/docs/get-docs.ts';
import { remoteServices } from './services.ts';

/** The few Deno APIs this entry uses (typed here so the repo's Node type-check covers this file too). */
interface DenoApi {
  env: { toObject(): Record<string, string> };
  readFile(path: string | URL): Promise<Uint8Array>;
  serve(
    options: { port: number; hostname: string; signal: AbortSignal; onListen?: (addr: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void> };
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
}
const Deno = (globalThis as unknown as { Deno: DenoApi }).Deno;

/**
 * Deno / Deno Deploy entry of the gateway: the same `createApp` as on Node; services reached with `fetch`,
 * KV on Upstash over HTTP (or in memory). Run: `deno task gateway`.
 */
const config = loadConfigOrExit(GatewayConfigSchema, Deno.env.toObject(), (code) => Deno.exit(code));
const logger = createLogger({ level: config.LOG_LEVEL, fields: { service: 'gateway', runtime: 'deno' } });
const readiness = new Readiness(logger);
const kv =
  config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
    ? createUpstashKv({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN })
    : createMemoryKv();
if (kv.kind !== 'memory') readiness.watch(kv.kind, () => kv.ping());
else {
  logger.warn(
    'no UPSTASH_REDIS_REST_* set: revocations (logout, revoked keys, role changes) cannot reach this gateway; it re-checks ' +
      'sessions with the auth service every 5 s and API keys every 60 s. Give it the Upstash database the auth service uses.',
  );
}
// Upstash when configured, so every edge instance counts against the same limits; else per instance.
const rateLimiter =
  config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
    ? createUpstashRateLimiter({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN })
    : createMemoryRateLimiter();
// The services verify what this gateway signs with the public half the auth service publishes: same key for both.
function missingSigningKey(): never {
  console.error(
    'INTERNAL_SIGNING_KEY is not set: the gateway signs the identity it forwards to services with it.\n' +
      'Run `npm run keys`, then give the gateway and the auth service the printed private JWK.',
  );
  return Deno.exit(1);
}
const internalKey = await importSigningKey(config.INTERNAL_SIGNING_KEY ?? missingSigningKey());

const swaggerDir = new URL('../../node_modules/swagger-ui-dist', import.meta.url).pathname;
const app = createApp({
  logger,
  readiness,
  services: remoteServices(config, fetchTransport),
  probes: kv.kind !== 'memory' ? { redis: () => kv.ping() } : {},
  docsAssets: directoryAssets(swaggerDir, SWAGGER_FILES, (path) => Deno.readFile(path)),
  options: { ...gatewayOptions(config), kvSharedWithAuth: kv.kind !== 'memory' },
  internalKey,
  kv,
  rateLimiter,
});

const shutdown = new AbortController();
const server = Deno.serve(
  {
    port: config.PORT,
    hostname: config.HOST,
    signal: shutdown.signal,
    onListen: ({ port }) => logger.info('listening', { url: `http://localhost:${port}`, discovery: config.SERVICE_DISCOVERY }),
  },
  app.fetch,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  Deno.addSignalListener(signal, () => {
    logger.info('shutting down: draining in-flight requests', { signal });
    readiness.stop();
    shutdown.abort();
  });
}
await server.finished;
await Promise.allSettled([kv.close(), rateLimiter.close?.()]);
