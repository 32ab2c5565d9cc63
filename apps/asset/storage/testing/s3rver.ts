import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3BlobStoreSettings } from '../s3.ts';

/** s3rver's built-in account: the only access key it accepts (it checks the key id, not V4 signatures). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3Server {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Settings of a store on `bucket` (default the first bucket made), path style, s3rver's account. */
  settings(overrides?: Partial<S3BlobStoreSettings>): S3BlobStoreSettings;
  close(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver) on 127.0.0.1 and a free port, storing in a fresh temporary directory, with
 * `buckets` made. Tests only.
 * @example const s3 = await startS3rver(['assets']); const store = createS3BlobStore(s3.settings()); afterAll(() => s3.close());
 */
export async function startS3rver(buckets: string[] = ['assets']): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'gaia-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    settings: (overrides = {}) => ({
      bucket: buckets[0] ?? 'assets',
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
      ...overrides,
    }),
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
