import type { OpenAPIHono } from '@hono/zod-openapi';
import { startKeyUsageFlusher } from '../apps/auth/api-keys/usage.ts';
import { startRevocationHeartbeat } from '../apps/auth/revocations/publisher.ts';
import { createApp as createAssetApp } from '../apps/asset/app.ts';
import type { AssetSettings } from '../apps/asset/config.ts';
import { createAssetDeps, startAsset } from '../apps/asset/deps.ts';
import { createApp as createAuthApp } from '../apps/auth/app.ts';
import { type AuthDeps, type AuthSettings, type PasswordHasher, startAuth } from '../apps/auth/deps.ts';
import { createOutboxMailer } from '../apps/auth/mail/outbox-mailer.ts';
import { createApp as createChatApp } from '../apps/chat/app.ts';
import type { ChatSettings } from '../apps/chat/config.ts';
import { createChatDeps, startChat } from '../apps/chat/deps.ts';
import { createApp as createGatewayApp } from '../apps/gateway/app.ts';
import type { GatewayOptions } from '../apps/gateway/deps.ts';
import type { GatewayEnv } from '../apps/gateway/env.ts';
import { createApp as createKbApp } from '../apps/kb/app.ts';
import { authTeamDirectory } from '../apps/kb/access/teams.ts';
import type { KbSettings } from '../apps/kb/config.ts';
import { createKbDeps, startKb } from '../apps/kb/deps.ts';
import { createApp as createWebApp } from '../apps/web/app.ts';
import { createIdentityTokens } from '../lib/auth/identity-tokens.ts';
import type { SigningKey } from '../lib/auth/signing-keys.ts';
import type { Db } from '../lib/db/types.ts';
import type { AppEnv } from '../lib/http/env.ts';
import type { AssetSource } from '../lib/http/assets.ts';
import type { Kv } from '../lib/kv/types.ts';
import type { Logger } from '../lib/logging/logger.ts';
import { createMemoryRateLimiter } from '../lib/ratelimit/memory.ts';
import type { RateLimiter } from '../lib/ratelimit/types.ts';
import { internalVerifierFor } from '../lib/platform/internal-auth.ts';
import { Readiness } from '../lib/readiness/readiness.ts';
import { inProcessClient } from '../lib/service/client.ts';
import { servicePrincipal, withIdentity } from '../lib/service/identity-client.ts';
import type { ServiceClient, ServiceName } from '../lib/service/types.ts';

export interface PlatformInput {
  db: Db;
  kv: Kv;
  logger: Logger;
  /** Signs the gateway's internal identity tokens; auth publishes its public half. */
  internalKey: SigningKey;
  /** Auth settings without `internalPublicKeys` (taken from `internalKey`). */
  auth: Omit<AuthSettings, 'internalPublicKeys'>;
  passwordHasher: PasswordHasher;
  gateway: GatewayOptions;
  /** The chat service: providers, reliability, tool limits and MCP servers. */
  chat: ChatSettings;
  /** The knowledge base: where its clone lives, its remote, webhook secret and embeddings provider. */
  kb: KbSettings;
  /** The asset service: storage, budgets, prices, queue and waiting limits. */
  asset: AssetSettings;
  /** The file system the knowledge base's clone lives on. */
  fs: typeof import('node:fs');
  /**
   * The gateway's rate limiter (Redis or Upstash when several processes share the limits). Default: an in-memory
   * one, owned (and closed by `stop()`) by the platform.
   */
  rateLimiter?: RateLimiter;
  docsAssets: AssetSource;
  staticAssets: AssetSource;
  /** The gateway's URL as browsers see it (links in the web UI). */
  publicGatewayUrl: string;
  /** How long `stop()` lets running asset jobs finish before handing them back to the queue (default 10 s). */
  assetShutdownMs?: number;
}

export type InternalServiceName = Exclude<ServiceName, 'web'>;

export interface PlatformApps {
  services: Record<InternalServiceName, OpenAPIHono<AppEnv>>;
  gateway: OpenAPIHono<GatewayEnv>;
  web: OpenAPIHono<AppEnv>;
  /** Resolves when every service's start-up work (migrations, first admin) is done. */
  started: Promise<void>;
  /**
   * Stops background work (retries, the key-usage flusher, the asset workers) and closes the rate limiter the platform
   * made; resolves when the asset workers are done (await it before closing the database).
   */
  stop(): Promise<void>;
}

/**
 * Builds the six apps wired to each other in-process over one database and KV: the gateway calls each service's
 * `app.fetch`, services verify the gateway's internal tokens with the auth app's JWKS, the web UI calls the
 * gateway. `npm start`, the OpenAPI script and the tests all build the platform with this one function.
 * @example const platform = await buildPlatform(input); await platform.started; platform.gateway.fetch(req);
 */
export function buildPlatform(input: PlatformInput): PlatformApps {
  const { db, kv, logger } = input;
  const readinessList: Readiness[] = [];
  const part = (service: string) => {
    const log = logger.child({ service });
    const readiness = new Readiness(log);
    if (kv.kind !== 'memory') readiness.watch(kv.kind, () => kv.ping());
    readinessList.push(readiness);
    return { logger: log, readiness, db, kv };
  };

  const authPart = part('auth');
  const auth: AuthDeps = {
    ...authPart,
    settings: { ...input.auth, internalPublicKeys: [input.internalKey.publicJwk] },
    passwordHasher: input.passwordHasher,
    mailer: createOutboxMailer({ db, logger: authPart.logger }),
    now: Date.now,
  };
  const authApp = createAuthApp(auth);
  const authClient = inProcessClient('auth', (request) => authApp.fetch(request));
  const withVerifier = (service: 'chat' | 'asset' | 'kb') => ({ ...part(service), internalVerifier: internalVerifierFor(service, authClient) });
  const asset = createAssetDeps({ ...withVerifier('asset'), settings: input.asset });
  const kbPart = withVerifier('kb');
  // The kb service asks auth for team memberships as itself, with a token signed like the gateway's.
  const identityTokens = createIdentityTokens(input.internalKey);
  const asKb = withIdentity(authClient, identityTokens, servicePrincipal('kb'));
  const kb = createKbDeps({ ...kbPart, teams: authTeamDirectory(asKb, kbPart.logger), settings: input.kb, fs: input.fs });
  const kbApp = createKbApp(kb);
  const assetApp = createAssetApp(asset);
  // Chat calls the kb and asset services as the chatting user (KB tools, generate_asset), with identity tokens
  // signed like the gateway's.
  const chat = createChatDeps({
    ...withVerifier('chat'),
    settings: input.chat,
    kb: inProcessClient('kb', (request) => kbApp.fetch(request)),
    asset: inProcessClient('asset', (request) => assetApp.fetch(request)),
    identityTokens,
  });
  const started = Promise.all([startAuth(auth), startChat(chat), startAsset(asset), startKb(kb)]).then(() => undefined);
  const stopKeyUsage = startKeyUsageFlusher(auth);
  const stopHeartbeat = startRevocationHeartbeat(auth);
  const services = { auth: authApp, chat: createChatApp(chat), asset: assetApp, kb: kbApp };

  let webFetch: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const clients = {
    ...Object.fromEntries(Object.entries(services).map(([name, app]) => [name, inProcessClient(name as ServiceName, (r) => app.fetch(r))])),
    web: inProcessClient('web', (request) => webFetch(request)),
  } as Record<ServiceName, ServiceClient>;
  const gw = part('gateway');
  const rateLimiter = input.rateLimiter ?? createMemoryRateLimiter();
  const gateway = createGatewayApp({
    logger: gw.logger,
    readiness: gw.readiness,
    services: clients,
    probes: { database: () => db.ping(), ...(kv.kind !== 'memory' ? { redis: () => kv.ping() } : {}) },
    docsAssets: input.docsAssets,
    // The gateway accepts the tokens this auth service issues.
    options: { ...input.gateway, authIssuer: input.auth.issuer },
    internalKey: input.internalKey,
    kv,
    rateLimiter,
  });
  const webPart = part('web');
  const web = createWebApp({
    logger: webPart.logger,
    readiness: webPart.readiness,
    // The browser's address goes along as the gateway's env, so its per-client limits see each browser.
    gateway: async (request, client) => gateway.fetch(request, client),
    publicGatewayUrl: input.publicGatewayUrl,
    staticAssets: input.staticAssets,
  });
  webFetch = (request) => web.fetch(request);

  return {
    services,
    gateway,
    web,
    started,
    stop() {
      for (const readiness of readinessList) readiness.stop();
      stopKeyUsage();
      stopHeartbeat();
      kb.kb.stop();
      void chat.close();
      if (!input.rateLimiter) void rateLimiter.close?.();
      return asset.close(input.assetShutdownMs);
    },
  };
}
