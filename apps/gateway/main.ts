import { importSigningKey } from '../../lib/auth/signing-keys.ts';
import { loadConfigOrExit } from '../../lib/config/config.ts';
import { createPostgresDb } from '../../lib/db/postgres.ts';
import { createKv } from '../../lib/kv/create-kv.ts';
import { packageAssets } from '../../lib/node/file-assets.ts';
import { processLogger, Readiness, watchKv } from '../../lib/node/runtime.ts';
import { onShutdownSignal, serveNode } from '../../lib/node/serve.ts';
import { createRateLimiter } from '../../lib/ratelimit/create-rate-limiter.ts';
import { loadMtlsOrExit } from '../../lib/node/tls.ts';
import { createUndiciTransport } from '../../lib/service/transport-undici.ts';
import { createApp } from './app.ts';
import { GatewayConfigSchema, gatewayOptions } from './config.ts';
import { SWAGGER_FILES } from './routes/docs/get-docs.ts';
import { remoteServices } from './services.ts';

/** Node entry of the gateway alone: services reached over HTTP through an undici keep-alive pool. */
const config = loadConfigOrExit(GatewayConfigSchema, process.env, (code) => process.exit(code));
if (!config.INTERNAL_SIGNING_KEY) {
  const problem = 'INTERNAL_SIGNING_KEY is not set: the gateway signs the identity it forwards to services with it';
  console.error(JSON.stringify({ level: 'fatal', msg: 'invalid configuration', problems: [`INTERNAL_SIGNING_KEY: ${problem}`] }));
  console.error(
    `${problem}.\nRun \`npm run keys\`, then set INTERNAL_SIGNING_KEY to the printed private JWK for the gateway and the same ` +
      'value for the auth service (which publishes its public half so every service can verify the gateway).',
  );
  process.exit(1);
}
const internalKey = await importSigningKey(config.INTERNAL_SIGNING_KEY);
const logger = processLogger('gateway', config.LOG_LEVEL);
const readiness = new Readiness(logger);
const tls = await loadMtlsOrExit(config, (code) => process.exit(code));
const transport = createUndiciTransport({ tls });
const db = config.DATABASE_URL ? createPostgresDb(config.DATABASE_URL, { max: 1 }) : undefined;
const upstash =
  config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
    ? { url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN }
    : undefined;
const kv = createKv({ redisUrl: config.REDIS_URL, upstash, logger });
watchKv(readiness, kv);
if (kv.kind === 'memory') {
  logger.warn(
    'no REDIS_URL or UPSTASH_REDIS_REST_* set: revocations (logout, revoked keys, role changes) cannot reach this gateway; ' +
      'it re-checks sessions with the auth service every 5 s and API keys every 60 s. Give it the Redis the auth service uses.',
  );
}
// Redis (or Upstash) when configured, so every gateway instance counts against the same limits.
const rateLimiter = createRateLimiter({ redisUrl: config.REDIS_URL, upstash, logger });

const app = createApp({
  logger,
  readiness,
  services: remoteServices(config, transport, { tls: tls !== undefined }),
  probes: {
    ...(db ? { database: () => db.ping() } : {}),
    ...(kv.kind !== 'memory' ? { redis: () => kv.ping() } : {}),
  },
  docsAssets: packageAssets('swagger-ui-dist', 'swagger-ui.css', SWAGGER_FILES),
  options: { ...gatewayOptions(config), kvSharedWithAuth: kv.kind !== 'memory' },
  internalKey,
  kv,
  rateLimiter,
});

const server = await serveNode({ name: 'gateway', fetch: app.fetch, port: config.PORT, host: config.HOST, logger });
logger.info('listening', { url: server.url, discovery: config.SERVICE_DISCOVERY });
onShutdownSignal(logger, async () => {
  readiness.stop();
  await server.close(config.SHUTDOWN_TIMEOUT_MS);
  await Promise.allSettled([transport.close(), kv.close(), rateLimiter.close?.(), db?.close()]);
});
