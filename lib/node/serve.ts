import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { serve } from '@hono/node-server';
import type { Logger } from '../logging/logger.ts';
import type { MtlsMaterial } from './tls.ts';

type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface ServeOptions {
  name: string;
  fetch: FetchHandler;
  port: number;
  host?: string;
  logger: Logger;
  /**
   * mTLS (see `loadMtls`): serve HTTPS and refuse, at the TLS handshake, every client that presents no
   * certificate signed by `tls.ca` — `/health` and `/ready` included.
   */
  tls?: MtlsMaterial | undefined;
}

export interface RunningServer {
  name: string;
  port: number;
  url: string;
  /** Stops accepting connections and waits for in-flight requests (at most `timeoutMs`, then cuts them). */
  close(timeoutMs: number): Promise<void>;
}

/** HTTPS that requires a client certificate signed by the CA (mutual TLS). */
function mtlsServer(tls: MtlsMaterial) {
  return {
    createServer: createHttpsServer,
    serverOptions: { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' as const },
  };
}

/**
 * Serves a web-standard fetch handler on Node; resolves once listening. Port 0 picks a free port.
 * With `tls`, serves HTTPS to clients holding a certificate of the CA only (mTLS); `url` is then https.
 * @example const server = await serveNode({ name: 'gateway', fetch: app.fetch, port: 8666, logger });
 */
export function serveNode(options: ServeOptions): Promise<RunningServer> {
  const tls = options.tls;
  return new Promise((resolve, reject) => {
    const listen = { fetch: options.fetch, port: options.port, hostname: options.host ?? '0.0.0.0', ...(tls ? mtlsServer(tls) : {}) };
    const server = serve(listen, (info: AddressInfo) => {
      const host = options.host && options.host !== '0.0.0.0' ? options.host : 'localhost';
      resolve({
        name: options.name,
        port: info.port,
        url: `${tls ? 'https' : 'http'}://${host}:${info.port}`,
        close: (timeoutMs) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => {
              options.logger.warn('shutdown timeout reached, closing open connections', { server: options.name, timeoutMs });
              if ('closeAllConnections' in server) server.closeAllConnections();
            }, timeoutMs);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    if (tls) {
      // Refused clients never reach the app. No certificate: OpenSSL fails the handshake. A certificate of another
      // CA: Node cuts the socket right after it and records why in `authorizationError`.
      server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
        const reason = socket.authorizationError ? String(socket.authorizationError) : err.message;
        options.logger.debug('TLS handshake refused', { server: options.name, reason, remoteAddress: socket.remoteAddress });
      });
    }
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`${options.name}: port ${options.port} is already in use — stop the other process or set a different port`));
      } else reject(err);
    });
  });
}

/**
 * Runs `shutdown` once on SIGINT/SIGTERM, then exits (0 on success). A second signal exits at once.
 * @example onShutdownSignal(logger, async () => { await server.close(10_000); await db.close(); });
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal, exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down: draining in-flight requests', { signal });
    shutdown().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
