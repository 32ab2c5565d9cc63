import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  /** The local port (on 127.0.0.1); stays the same across stop/start. */
  readonly port: number;
  /** The dependency "goes down": stops listening (new connections are refused) and cuts every open connection. */
  stop(): Promise<void>;
  /** The dependency "comes back": listens again on the same port. */
  start(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

/**
 * A TCP forwarder in front of a real dependency (PostgreSQL, Redis...) for outage tests.
 * @example
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
 * const kv = createRedisKv(`redis://127.0.0.1:${proxy.port}`);
 * await proxy.stop(); // kv.ping() now rejects
 * await proxy.start(); // and recovers
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });

  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('tcp proxy: no port assigned');
  const port = address.port;
  let closed = false;

  const stop = async () => {
    const closing = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closing;
  };

  return {
    port,
    stop,
    async start() {
      if (closed) throw new Error('tcp proxy is closed');
      if (!server.listening) await listen(port);
    },
    async close() {
      closed = true;
      await stop();
    },
  };
}
