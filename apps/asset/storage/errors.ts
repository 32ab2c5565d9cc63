import type { BlobStore } from './types.ts';

/**
 * A store's failure, classified for the caller: `misconfigured` (the bucket does not exist, the credentials are refused
 * or lack a permission: an operator must fix the configuration; retrying will not help) or `unavailable` (the store is
 * unreachable, timed out or answered 5xx: another attempt may work). The message names the store and the bucket and
 * says what to do; it never holds a credential, and neither do `code` and `status`.
 * @example throw new BlobStoreError('s3', 'misconfigured', 'S3 bucket "assets" does not exist: create it or set S3_BUCKET', { code: 'NoSuchBucket', status: 404 });
 */
export class BlobStoreError extends Error {
  /** The store's own error code (`NoSuchBucket`, `InvalidAccessKeyId`, `ECONNREFUSED`…), when it gave one. */
  readonly code: string | undefined;
  /** The HTTP status the store answered, when it answered. */
  readonly status: number | undefined;

  constructor(
    readonly store: BlobStore['kind'],
    readonly kind: 'misconfigured' | 'unavailable',
    message: string,
    options: { code?: string | undefined; status?: number | undefined } = {},
  ) {
    super(message);
    this.name = 'BlobStoreError';
    this.code = options.code;
    this.status = options.status;
  }
}
