import { createApp as createAssetApp } from '../apps/asset/app.ts';
import { startAsset } from '../apps/asset/deps.ts';
import { createApp as createAuthApp } from '../apps/auth/app.ts';
import { startAuth } from '../apps/auth/deps.ts';
import { createApp as createChatApp } from '../apps/chat/app.ts';
import { startChat } from '../apps/chat/deps.ts';
import { createApp as createGatewayApp } from '../apps/gateway/app.ts';
import { gatewayOptions } from '../apps/gateway/config.ts';
import { SWAGGER_FILES } from '../apps/gateway/routes/docs/get-docs.ts';
import { createApp as createKbApp } from '../apps/kb/app.ts';
import { startKb } from '../apps/kb/deps.ts';
import { createApp as createWebApp } from '../apps/web/app.ts';
import { WEB_STATIC_FILES } from '../apps/web/deps.ts';
import type { Logger } from '../lib/logging/logger.ts';
import { packageAssets } from '../lib/node/file-assets.ts';
import { type Backends, createBackends, Readiness, watchKv } from '../lib/node/runtime.ts';
import { type RunningServer, serveNode } from '../lib/node/serve.ts';
import { inProcessClient } from '../lib/service/client.ts';
import { LOCAL_PORTS } from '../lib/service/discovery.ts';
import type { ServiceClient, ServiceName } from '../lib/service/types.ts';
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
 * Starts the six services in this process on one shared database and KV: internal services are bound
 * in-process (the gateway calls their `app.fetch`), the gateway and web UI listen on their public ports.
 * @example const platform = await startPlatform(config, logger); console.log(platform.gateway.url);
 */
export async function startPlatform(config: AllInOneConfig, logger: Logger): Promise<Platform> {
  const backends = await createBackends(config, logger);
  const { db, kv } = backends;
  const readinessList: Readiness[] = [];
  const part = (service: string) => {
    const log = logger.child({ service });
    const readiness = new Readiness(log);
    watchKv(readiness, kv);
    readinessList.push(readiness);
    return { logger: log, readiness, db, kv };
  };

  const auth = part('auth');
  const chat = part('chat');
  const asset = part('asset');
  const kb = part('kb');
  const started = Promise.all([startAuth(auth), startChat(chat), startAsset(asset), startKb(kb)]).then(() => undefined);
  const apps = { auth: createAuthApp(auth), chat: createChatApp(chat), asset: createAssetApp(asset), kb: createKbApp(kb) };

  const gw = part('gateway');
  let webFetch: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const services = Object.fromEntries(
    [...Object.entries(apps), ['web', { fetch: (r: Request) => webFetch(r) }] as const].map(([name, app]) => [
      name,
      inProcessClient(name as ServiceName, (request) => app.fetch(request)),
    ]),
  ) as Record<ServiceName, ServiceClient>;
  const gateway = createGatewayApp({
    logger: gw.logger,
    readiness: gw.readiness,
    services,
    probes: { database: () => db.ping(), ...(kv.kind !== 'memory' ? { redis: () => kv.ping() } : {}) },
    docsAssets: packageAssets('swagger-ui-dist', 'swagger-ui.css', SWAGGER_FILES),
    options: gatewayOptions(config),
  });

  const gatewayServer = await serveNode({ name: 'gateway', fetch: gateway.fetch, port: config.GATEWAY_PORT, host: config.HOST, logger: gw.logger });
  const webPart = part('web');
  const web = createWebApp({
    logger: webPart.logger,
    readiness: webPart.readiness,
    gateway: async (request) => gateway.fetch(request),
    publicGatewayUrl: config.PUBLIC_GATEWAY_URL ?? gatewayServer.url,
    staticAssets: packageAssets('htmx.org', 'dist/htmx.min.js', WEB_STATIC_FILES),
  });
  webFetch = (request) => web.fetch(request);
  const webServer = await serveNode({ name: 'web', fetch: web.fetch, port: config.WEB_PORT, host: config.HOST, logger: webPart.logger });

  const internal = config.EXPOSE_SERVICES
    ? await Promise.all(
        (Object.entries(apps) as [Exclude<ServiceName, 'web'>, { fetch: (r: Request) => Response | Promise<Response> }][]).map(
          ([name, app]) => serveNode({ name, fetch: app.fetch, port: LOCAL_PORTS[name], host: config.HOST, logger }),
        ),
      )
    : [];

  return {
    gateway: gatewayServer,
    web: webServer,
    internal,
    backends,
    started,
    async close(timeoutMs = config.SHUTDOWN_TIMEOUT_MS) {
      for (const readiness of readinessList) readiness.stop();
      await Promise.all([gatewayServer, webServer, ...internal].map((server) => server.close(timeoutMs)));
      await Promise.allSettled([db.close(), kv.close()]);
    },
  };
}
