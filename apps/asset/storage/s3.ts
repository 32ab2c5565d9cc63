import { DeleteObjectCommand, GetObjectCommand, type GetObjectCommandOutput, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BlobStoreError } from './errors.ts';
import { assertBlobKey, assertSignedUrlTtl } from './key.ts';
import { presignGetObject } from './s3-presign.ts';
import type { BlobStore } from './types.ts';

/** Where and how the S3-compatible store reaches its bucket (AWS S3, MinIO, Cloudflare R2, s3rver…). */
export interface S3BlobStoreSettings {
  bucket: string;
  /** e.g. `eu-west-3`; `auto` for R2; any value for MinIO. */
  region: string;
  /** An S3-compatible server's URL (`http://minio:9000`, `https://<account>.r2.cloudflarestorage.com`); none for AWS. */
  endpoint?: string;
  /** Address the bucket in the path (`<endpoint>/<bucket>/<key>`) rather than the host name: MinIO, s3rver. */
  forcePathStyle: boolean;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** How long S3 may take to connect, and then to start answering (headers); a body may take longer. Default 30 s. */
  timeoutMs?: number;
}

/** What the SDK's errors carry (`S3ServiceException`, or a network error with a `code`). */
interface SdkFailure {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired', 'CredentialsProviderError']);
const REGION_CODES = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'Moved Permanently']);

/**
 * The store's failure as a {@link BlobStoreError} naming the bucket and the variable to fix. `operation` is the
 * S3 call (for the message); the key is not repeated (it is the service's own, logged by the caller if it wants).
 */
function s3Failure(err: unknown, settings: S3BlobStoreSettings, operation: string): BlobStoreError {
  const failure = (typeof err === 'object' && err !== null ? err : {}) as SdkFailure;
  const status = failure.$metadata?.httpStatusCode;
  const code = failure.name && failure.name !== 'Error' && failure.name !== 'TypeError' ? failure.name : failure.code;
  const where = settings.endpoint ? ` at ${new URL(settings.endpoint).origin}` : ` in ${settings.region}`;
  const bucket = `"${settings.bucket}"`;
  const details = { code, status };
  const misconfigured = (message: string) => new BlobStoreError('s3', 'misconfigured', message, details);
  if (code === 'NoSuchBucket' || (status === 404 && operation === 'HeadBucket')) {
    return misconfigured(`S3 bucket ${bucket} does not exist${where}: create it, or set S3_BUCKET to an existing bucket`);
  }
  if ((code && REGION_CODES.has(code)) || status === 301) {
    return misconfigured(`S3 bucket ${bucket} is not in region ${settings.region} (${code ?? status}): set S3_REGION to the bucket's region`);
  }
  if ((code && CREDENTIAL_CODES.has(code)) || status === 401) {
    return misconfigured(`S3${where} refused the credentials for bucket ${bucket} (${code ?? status}): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`);
  }
  if (code === 'AccessDenied' || status === 403) {
    return misconfigured(
      `S3${where} denied ${operation} on bucket ${bucket} (${code ?? status}): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, and that the key may read, write and delete objects in the bucket`,
    );
  }
  if (status === undefined) {
    return new BlobStoreError('s3', 'unavailable', `S3${where} is unreachable (${code ?? 'no answer'}) for bucket ${bucket}: check S3_ENDPOINT and that the server is up`, details);
  }
  return new BlobStoreError('s3', 'unavailable', `S3${where} answered ${status} ${code ?? ''} to ${operation} on bucket ${bucket}: try again later`.replace('  ', ' '), details);
}

const isMissingKey = (err: unknown) => {
  const failure = (typeof err === 'object' && err !== null ? err : {}) as SdkFailure;
  return failure.name === 'NoSuchKey' || (failure.$metadata?.httpStatusCode === 404 && failure.name !== 'NoSuchBucket');
};

/** The S3 client for `settings`: explicit credentials, region and endpoint (no AWS_* variable or profile file is read). */
export function createS3Client(settings: S3BlobStoreSettings): S3Client {
  const timeoutMs = settings.timeoutMs ?? 30_000;
  const custom = settings.endpoint !== undefined;
  return new S3Client({
    region: settings.region,
    ...(custom ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.credentials.accessKeyId, secretAccessKey: settings.credentials.secretAccessKey },
    ignoreConfiguredEndpointUrls: true,
    // S3-compatible servers do not all know the flexible checksums AWS S3 gets by default: send them only when required.
    ...(custom ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
    // Without throwOnRequestTimeout the handler only warns when a request goes silent, and waits for ever.
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
    maxAttempts: 3,
  });
}

/**
 * The S3-compatible {@link BlobStore}: `put` is a PutObject with the content type, `open` a GetObject streamed as a web
 * `ReadableStream` (`null` on NoSuchKey), `delete` a DeleteObject (idempotent, as S3's is), `signedUrl` a SigV4
 * presigned GET, `ping` a HeadBucket. Failures are {@link BlobStoreError}s naming the bucket and what to fix.
 * @example const store = createS3BlobStore({ bucket: 'assets', region: 'us-east-1', endpoint: 'http://minio:9000', forcePathStyle: true, credentials });
 */
export function createS3BlobStore(settings: S3BlobStoreSettings): BlobStore {
  const client = createS3Client(settings);
  const Bucket = settings.bucket;
  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw s3Failure(err, settings, operation);
    }
  };

  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      assertBlobKey(key);
      await call('PutObject', () =>
        client.send(new PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.byteLength })),
      );
    },
    async open(key) {
      assertBlobKey(key);
      let output: GetObjectCommandOutput;
      try {
        output = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      } catch (err) {
        if (isMissingKey(err)) return null;
        throw s3Failure(err, settings, 'GetObject');
      }
      if (!output.Body) throw new BlobStoreError('s3', 'unavailable', `S3 answered GetObject on bucket "${Bucket}" without a body: try again later`);
      return {
        body: output.Body.transformToWebStream() as ReadableStream<Uint8Array>,
        size: output.ContentLength ?? 0,
        contentType: output.ContentType ?? 'application/octet-stream',
      };
    },
    async delete(key) {
      assertBlobKey(key);
      await call('DeleteObject', () => client.send(new DeleteObjectCommand({ Bucket, Key: key })));
    },
    async signedUrl(key, ttlSeconds) {
      assertBlobKey(key);
      assertSignedUrlTtl(ttlSeconds);
      return presignGetObject(client, Bucket, key, ttlSeconds);
    },
    async ping() {
      await call('HeadBucket', () => client.send(new HeadBucketCommand({ Bucket })));
    },
  };
}
