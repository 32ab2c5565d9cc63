import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBlobStoreConformance } from './conformance.ts';
import { createS3BlobStore, createS3Client } from './s3.ts';
import { presignGetObject } from './s3-presign.ts';
import { S3RVER_CREDENTIALS, startS3rver, type TestS3Server } from './testing/s3rver.ts';
import { verifyPresignedGet } from './testing/sigv4.ts';
import { blobStoreFailure, closedPort, silentServer } from './testing/support.ts';

const SECRET = 'wrong-secret-that-must-never-show-9f83';

describeBlobStoreConformance('s3 on s3rver', async () => {
  const s3 = await startS3rver(['conformance']);
  return { store: createS3BlobStore(s3.settings()), close: () => s3.close() };
});

describe('S3 presigned URLs', () => {
  it('the verifier accepts the AWS documentation example and refuses it tampered', () => {
    const documented =
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const then = new Date('2013-05-24T12:00:00Z');
    expect(verifyPresignedGet(documented, secret, then)).toBeNull();
    expect(verifyPresignedGet(documented.replace('test.txt', 'other.txt'), secret, then)).toBe('signature does not match');
    expect(verifyPresignedGet(documented, 'another-secret', then)).toBe('signature does not match');
    expect(verifyPresignedGet(documented, secret, new Date('2013-05-25T00:00:01Z'))).toBe('expired');
  });

  it('signs GETs with SigV4 for AWS (virtual-hosted), R2 and path-style endpoints', async () => {
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const signedAt = new Date('2013-05-24T00:00:00Z');
    const cases = [
      { settings: { region: 'eu-west-3', forcePathStyle: false }, host: 'examplebucket.s3.eu-west-3.amazonaws.com', path: '/u/1/asset_v2-final.png' },
      { settings: { region: 'auto', forcePathStyle: false, endpoint: 'https://acc.r2.cloudflarestorage.com' }, host: 'examplebucket.acc.r2.cloudflarestorage.com', path: '/u/1/asset_v2-final.png' },
      { settings: { region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9000' }, host: '127.0.0.1:9000', path: '/examplebucket/u/1/asset_v2-final.png' },
    ];
    for (const { settings, host, path } of cases) {
      const client = createS3Client({ bucket: 'examplebucket', credentials, ...settings });
      const url = new URL(await presignGetObject(client, 'examplebucket', 'u/1/asset_v2-final.png', 86400, signedAt));
      expect(url.host).toBe(host);
      expect(url.pathname).toBe(path);
      expect(url.searchParams.get('X-Amz-Credential')).toBe(`AKIAIOSFODNN7EXAMPLE/20130524/${settings.region}/s3/aws4_request`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('86400');
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
      // Nothing per attempt, and nothing a browser would have to send, is in the URL.
      expect([...url.searchParams.keys()].filter((k) => /invocation|sdk-request|user-agent|checksum/i.test(k))).toEqual([]);
      expect(verifyPresignedGet(url.href, credentials.secretAccessKey, new Date('2013-05-24T01:00:00Z')), url.href).toBeNull();
    }
  });
});

describe('S3 store failures', () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startS3rver(['assets']);
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('a presigned URL from the store carries a valid SigV4 signature, and a tampered one does not', async () => {
    const store = createS3BlobStore(s3.settings());
    await store.put('u/1/a.png', new Uint8Array([1, 2, 3]), 'image/png');
    const url = (await store.signedUrl('u/1/a.png', 300))!;
    expect(verifyPresignedGet(url, S3RVER_CREDENTIALS.secretAccessKey)).toBeNull();
    expect(verifyPresignedGet(url.replace('a.png', 'b.png'), S3RVER_CREDENTIALS.secretAccessKey)).toBe('signature does not match');
  });

  it('says the credentials are refused, naming the bucket and the variables, never the secret', async () => {
    const store = createS3BlobStore(s3.settings({ credentials: { accessKeyId: 'NOT-A-KNOWN-KEY', secretAccessKey: SECRET } }));
    for (const operation of [() => store.put('u/1/a.png', new Uint8Array([1]), 'image/png'), () => store.open('u/1/a.png'), () => store.delete('u/1/a.png')]) {
      const err = await blobStoreFailure(operation());
      expect(err).toMatchObject({ store: 's3', kind: 'misconfigured', code: 'InvalidAccessKeyId', status: 403 });
      expect(err.message).toContain('refused the credentials for bucket "assets"');
      expect(err.message).toContain('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
      expect(JSON.stringify({ ...err, message: err.message })).not.toContain(SECRET);
    }
    // HEAD answers carry no error body: the status alone says it.
    const ping = await blobStoreFailure(store.ping());
    expect(ping).toMatchObject({ kind: 'misconfigured', status: 403 });
    expect(ping.message).toContain('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
    expect(ping.message).toContain('"assets"');
  });

  it('says which bucket is missing on every operation, and a missing bucket never reads as a missing file', async () => {
    const store = createS3BlobStore(s3.settings({ bucket: 'no-such-bucket' }));
    const operations = [() => store.ping(), () => store.put('u/1/a.png', new Uint8Array([1]), 'image/png'), () => store.open('u/1/a.png'), () => store.delete('u/1/a.png')];
    for (const operation of operations) {
      const err = await blobStoreFailure(operation());
      expect(err.kind).toBe('misconfigured');
      expect(err.message).toMatch(/^S3 bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+: create it, or set S3_BUCKET/);
    }
  });

  it('says the server is unreachable, naming S3_ENDPOINT', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const store = createS3BlobStore({ ...s3.settings(), endpoint, timeoutMs: 2_000 });
    const err = await blobStoreFailure(store.ping());
    expect(err).toMatchObject({ kind: 'unavailable', code: 'ECONNREFUSED' });
    expect(err.message).toBe(`S3 at ${endpoint} is unreachable (ECONNREFUSED) for bucket "assets": check S3_ENDPOINT and that the server is up`);
  });

  it('gives up on a server that accepts connections but never answers', async () => {
    const silent = await silentServer();
    try {
      const store = createS3BlobStore({ ...s3.settings(), endpoint: silent.url, timeoutMs: 300 });
      const started = Date.now();
      const err = await blobStoreFailure(store.ping());
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err).toMatchObject({ kind: 'unavailable', status: undefined });
      expect(err.message).toMatch(new RegExp(`^S3 at ${silent.url} is unreachable \\(\\w+\\) for bucket "assets": check S3_ENDPOINT`));
    } finally {
      await silent.close();
    }
  });

  it('a signed URL of a missing key is refused by the server, not an error of the store', async () => {
    const store = createS3BlobStore(s3.settings());
    const res = await fetch((await store.signedUrl('u/1/never.png', 60))!);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('NoSuchKey');
  });
});
