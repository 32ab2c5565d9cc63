import { createServer } from 'node:net';
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

/** The rejection of `operation`, asserted to be a {@link BlobStoreError}. */
export async function blobStoreFailure(operation: Promise<unknown>): Promise<BlobStoreError> {
  const err = await operation.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BlobStoreError);
  return err as BlobStoreError;
}
