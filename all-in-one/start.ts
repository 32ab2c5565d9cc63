import * as fs from 'node:fs';
import { assetSettings } from '../apps/asset/config.ts';
import { authSettings } from '../apps/auth/config.ts';
import { chatSettings } from '../apps/chat/config.ts';
import { kbSettings } from '../apps/kb/config.ts';
import { ScryptHasher } from '../apps/auth/node/scrypt-hasher.ts';
import { gatewayOptions } from '../apps/gateway/config.ts';
import { SWAGGER_FILES } from '../apps/gateway/routes/docs/get-docs.ts';
import { webStaticAssets } from '../apps/web/static-assets.ts';
import { generateSigningKey, importSigningKey } from '../lib/auth/signing-keys.ts';
import type { Logger } from '../lib/logging/logger.ts';
import { createRateLimiter } from '../lib/ratelimit/create-rate-limiter.ts';
import { packageAssets } from '../lib/node/file-assets.ts';
import { type Backends, createBackends } from '../lib/node/runtime.ts';
import { type RunningServer, serveNode } from '../lib/node/serve.ts';
import { LOCAL_PORTS } from '../lib/service/discovery.ts';
import { buildPlatform, type InternalServiceName } from './build.ts';
import type { AllInOneConfig } from './config.ts';

export interface Platform {
  gateway: RunningServer;
  web: RunningServer;
  internal: RunningServer[];
  backends: Backends;
  /** Resolves when every service's start-up work (migrations) is done. */
  started: Promise<void>;
  /** Drains the servers, stops retries and closes the database and KV. */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * `npm start`: the six services in this process on one shared database and KV (see {@link buildPlatform});
 * the gateway and the web UI listen on their public ports, the internal services only when `EXPOSE_SERVICES`.
 * @example const platform = await startPlatform(config, logger); console.log(platform.gateway.url);
 */
export async function startPlatform(config: AllInOneConfig, logger: Logger): Promise<Platform> {
  const backends = await createBackends(config, logger);
  const { db, kv } = backends;
  // Unless configured, the gateway signs internal identity tokens with a key made for this process.
  const internalKey = config.INTERNAL_SIGNING_KEY
    ? await importSigningKey(config.INTERNAL_SIGNING_KEY)
    : await generateSigningKey('gateway-internal');
  const { internalPublicKeys: _none, ...auth } = authSettings(config, []);
  const gatewayUrl = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.GATEWAY_PORT}`;
  const upstash =
    config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
      ? { url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN }
      : undefined;
  const rateLimiter = createRateLimiter({ redisUrl: config.REDIS_URL, upstash, logger });
  const platform = buildPlatform({
    db,
    kv,
    rateLimiter,
    logger,
    internalKey,
    auth,
    passwordHasher: new ScryptHasher(),
    gateway: gatewayOptions(config),
    docsAssets: packageAssets('swagger-ui-dist', 'swagger-ui.css', SWAGGER_FILES),
    staticAssets: webStaticAssets(),
    publicGatewayUrl: config.PUBLIC_GATEWAY_URL ?? gatewayUrl,
    kb: kbSettings(config, config.DATA_DIR),
    // Download links in asset responses point at the gateway as browsers reach it.
    asset: assetSettings(config, config.DATA_DIR, { publicBaseUrl: config.PUBLIC_GATEWAY_URL ?? gatewayUrl }),
    assetShutdownMs: config.SHUTDOWN_TIMEOUT_MS,
    chat: chatSettings(config),
    fs,
  });

  const serve = (name: string, fetch: (request: Request) => Response | Promise<Response>, port: number) =>
    serveNode({ name, fetch, port, host: config.HOST, logger: logger.child({ service: name }) });
  const gateway = await serve('gateway', platform.gateway.fetch, config.GATEWAY_PORT);
  const web = await serve('web', platform.web.fetch, config.WEB_PORT);
  const internal = config.EXPOSE_SERVICES
    ? await Promise.all(
        (Object.entries(platform.services) as [InternalServiceName, { fetch: (r: Request) => Response | Promise<Response> }][]).map(
          ([name, app]) => serve(name, app.fetch, LOCAL_PORTS[name]),
        ),
      )
    : [];

  return {
    gateway,
    web,
    internal,
    backends,
    started: platform.started,
    async close(timeoutMs = config.SHUTDOWN_TIMEOUT_MS) {
      const stopping = platform.stop();
      await Promise.all([gateway, web, ...internal].map((server) => server.close(timeoutMs)));
      await stopping;
      await Promise.allSettled([db.close(), kv.close(), rateLimiter.close?.()]);
    },
  };
}
