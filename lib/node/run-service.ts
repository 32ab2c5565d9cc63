import type { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { CommonConfig } from '../config/common.ts';
import { loadConfigOrExit } from '../config/config.ts';
import { MTLS_SERVICES } from '../config/discovery.ts';
import type { AppEnv } from '../http/env.ts';
import type { Logger } from '../logging/logger.ts';
import { Readiness } from '../readiness/readiness.ts';
import { type Backends, createBackends, processLogger, watchKv } from './runtime.ts';
import { onShutdownSignal, serveNode } from './serve.ts';
import { loadMtlsOrExit, type MtlsMaterial } from './tls.ts';

export interface ServiceRuntime<C> {
  config: C;
  logger: Logger;
  readiness: Readiness;
  backends: Backends;
  /**
   * mTLS material when the MTLS_* files are set (the service then serves HTTPS to certificate holders only):
   * build client transports with it, `createUndiciTransport({ tls })`, and discover with `{ tls: true }`.
   */
  tls?: MtlsMaterial | undefined;
  /** Registers work to run at shutdown, after in-flight requests drained and before the database closes. */
  onShutdown: (task: () => void | Promise<void>) => void;
}

type NoBackends<C> = Omit<ServiceRuntime<C>, 'backends'>;

type Build<R> = (runtime: R) => OpenAPIHono<AppEnv> | Promise<OpenAPIHono<AppEnv>>;

export type RunServiceOptions<S extends z.ZodType<CommonConfig>> = {
  name: string;
  schema: S;
  env?: Record<string, string | undefined>;
} & (
  | {
      /** Builds the app from the runtime; start background work (migrations...) here, without awaiting it. */
      build: Build<ServiceRuntime<z.infer<S>>>;
      backends?: true;
    }
  | {
      /** For a service with no database or KV of its own (the web UI). */
      build: Build<NoBackends<z.infer<S>>>;
      backends: false;
    }
);

/**
 * Node entry of one service alone (compose, Fly): env -> config -> mTLS files -> backends -> app -> listen, with
 * graceful shutdown on SIGINT/SIGTERM (drain requests, then close the database and KV). With the MTLS_* files set,
 * auth, chat, asset and kb serve HTTPS to certificate holders only; web ignores them (browsers have no certificate).
 * @example await runService({ name: 'kb', schema: KbConfigSchema, build: (rt) => createApp(kbDeps(rt)) });
 */
export async function runService<S extends z.ZodType<CommonConfig>>(options: RunServiceOptions<S>): Promise<void> {
  const config = loadConfigOrExit(options.schema, options.env ?? process.env, (code) => process.exit(code));
  const logger = processLogger(options.name, config.LOG_LEVEL);
  const mtls = await loadMtlsOrExit(config, (code) => process.exit(code));
  const servesMtls = (MTLS_SERVICES as readonly string[]).includes(options.name);
  if (mtls && !servesMtls) logger.warn('MTLS_* files are set but ignored: this service answers browsers, not services');
  const tls = servesMtls ? mtls : undefined;
  const readiness = new Readiness(logger);
  const shutdownTasks: (() => void | Promise<void>)[] = [];
  const onShutdown = (task: () => void | Promise<void>) => shutdownTasks.push(task);
  let backends: Backends | undefined;
  let app: OpenAPIHono<AppEnv>;
  if (options.backends === false) {
    app = await options.build({ config, logger, readiness, tls, onShutdown });
  } else {
    backends = await createBackends(config, logger);
    watchKv(readiness, backends.kv);
    app = await options.build({ config, logger, readiness, backends, tls, onShutdown });
  }
  const server = await serveNode({ name: options.name, fetch: app.fetch, port: config.PORT, host: config.HOST, logger, tls });
  logger.info('listening', { url: server.url, mtls: tls !== undefined, ...backends?.describe });
  onShutdownSignal(logger, async () => {
    readiness.stop();
    await server.close(config.SHUTDOWN_TIMEOUT_MS);
    for (const task of shutdownTasks) await task();
    if (backends) await Promise.allSettled([backends.db.close(), backends.kv.close()]);
  });
}
