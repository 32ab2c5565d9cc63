import { createServer, type Socket } from 'node:net';
import { expect } from 'vitest';
import { BlobStoreError } from '../errors.ts';

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago): for "unreachable" cases. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers: for timeout cases. */
export async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The rejection of `operation`, asserted to be a {@link BlobStoreError}. */
export async function blobStoreFailure(operation: Promise<unknown>): Promise<BlobStoreError> {
  const err = await operation.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BlobStoreError);
  return err as BlobStoreError;
}
