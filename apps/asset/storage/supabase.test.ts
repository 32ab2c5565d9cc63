import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBlobStoreConformance, readBlob } from './conformance.ts';
import { createSupabaseBlobStore, type SupabaseBlobStoreSettings } from './supabase.ts';
import { type FakeSupabaseStorage, startFakeSupabaseStorage } from './testing/fake-supabase-storage.ts';
import { blobStoreFailure, closedPort, silentServer } from './testing/support.ts';

describeBlobStoreConformance('supabase on the Storage fake', async () => {
  const fake = await startFakeSupabaseStorage({ buckets: ['conformance'] });
  return { store: createSupabaseBlobStore({ url: fake.url, serviceRoleKey: fake.serviceRoleKey, bucket: 'conformance' }), close: () => fake.close() };
});

describe('Supabase Storage store', () => {
  let fake: FakeSupabaseStorage;
  const settings = (overrides: Partial<SupabaseBlobStoreSettings> = {}): SupabaseBlobStoreSettings => ({
    url: fake.url,
    serviceRoleKey: fake.serviceRoleKey,
    bucket: 'assets',
    ...overrides,
  });
  beforeAll(async () => {
    fake = await startFakeSupabaseStorage({ buckets: ['assets'] });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('speaks storage-js\'s wire: an upserting raw upload with its type, info and download at once, a remove by name, a sign', async () => {
    const store = createSupabaseBlobStore(settings());
    const key = `wire/${crypto.randomUUID()}/asset.png`;
    const from = fake.requests.length;
    await store.put(key, new Uint8Array([137, 80, 78, 71]), 'image/png');
    expect(fake.object('assets', key)).toMatchObject({ contentType: 'image/png', cacheControl: 'max-age=3600', bytes: new Uint8Array([137, 80, 78, 71]) });
    const blob = await store.open(key);
    expect(blob).toMatchObject({ size: 4, contentType: 'image/png' });
    expect((await readBlob(blob!)).bytes).toEqual(new Uint8Array([137, 80, 78, 71]));
    const url = await store.signedUrl(key, 60);
    expect(url).toMatch(new RegExp(`^${fake.url}/storage/v1/object/sign/assets/${key}\\?token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    await store.delete(key);
    await store.ping();
    expect(fake.requests.slice(from).sort()).toEqual(
      [
        `POST /storage/v1/object/assets/${key}`,
        `GET /storage/v1/object/info/assets/${key}`,
        `GET /storage/v1/object/assets/${key}`,
        `POST /storage/v1/object/sign/assets/${key}`,
        'DELETE /storage/v1/object/assets',
        'GET /storage/v1/bucket/assets',
      ].sort(),
    );
    expect(fake.object('assets', key)).toBeUndefined();
  });

  it('answers no signed URL for a missing object (Storage signs only what exists), and a token moved to another path is refused', async () => {
    const store = createSupabaseBlobStore(settings());
    expect(await store.signedUrl('never/written.png', 60)).toBeNull();
    await store.put('signed/a.png', new Uint8Array([1]), 'image/png');
    await store.put('signed/b.png', new Uint8Array([2]), 'image/png');
    const url = (await store.signedUrl('signed/a.png', 60))!;
    const moved = await fetch(url.replace('signed/a.png', 'signed/b.png'));
    expect(moved.status).toBe(400);
    expect(await moved.json()).toEqual({ statusCode: '400', code: 'InvalidSignature', error: 'InvalidSignature', message: 'The url do not match the signature' });
  });

  it('times out a Supabase that does not answer, but not a download whose body is slow', async () => {
    const slow = await startFakeSupabaseStorage({ buckets: ['assets'] });
    try {
      const store = createSupabaseBlobStore({ url: slow.url, serviceRoleKey: slow.serviceRoleKey, bucket: 'assets', timeoutMs: 300 });
      await store.put('u/1/big.bin', new Uint8Array(200_000).fill(7), 'application/octet-stream');
      slow.config.midBodyPauseMs = 700;
      const blob = await store.open('u/1/big.bin');
      const { bytes } = await readBlob(blob!);
      expect(bytes.byteLength).toBe(200_000);
      expect(bytes.every((b) => b === 7)).toBe(true);
    } finally {
      await slow.close();
    }
    const silent = await silentServer();
    try {
      const store = createSupabaseBlobStore({ url: silent.url, serviceRoleKey: 'k', bucket: 'assets', timeoutMs: 300 });
      const started = Date.now();
      const err = await blobStoreFailure(store.ping());
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err).toMatchObject({ kind: 'unavailable', code: 'timeout' });
      expect(err.message).toBe(`Supabase Storage at ${silent.url} is unreachable (timeout) for bucket "assets": check SUPABASE_URL and that the project is up`);
    } finally {
      await silent.close();
    }
  });

  it('says the anon key is not enough, and a wrong key is refused, never showing a key', async () => {
    for (const serviceRoleKey of [fake.anonKey, 'not-a-project-key']) {
      const store = createSupabaseBlobStore(settings({ serviceRoleKey }));
      const err = await blobStoreFailure(store.put('u/1/a.png', new Uint8Array([1]), 'image/png'));
      expect(err).toMatchObject({ store: 'supabase', kind: 'misconfigured' });
      expect(err.message).toContain('refused the key for bucket "assets"');
      expect(err.message).toContain('set SUPABASE_SERVICE_ROLE_KEY to the project\'s service_role key');
      expect(JSON.stringify({ ...err, message: err.message })).not.toContain(serviceRoleKey);
    }
    const anon = createSupabaseBlobStore(settings({ serviceRoleKey: fake.anonKey }));
    // A private bucket is invisible to the anon role: the message says why it may look missing.
    expect((await blobStoreFailure(anon.ping())).message).toContain('a key other than service_role cannot see a private bucket');
  });

  it('names the missing bucket on ping, put and open; signedUrl and delete find no object, as Storage does', async () => {
    const store = createSupabaseBlobStore(settings({ bucket: 'no-such-bucket' }));
    const operations = [() => store.ping(), () => store.put('u/1/a.png', new Uint8Array([1]), 'image/png'), () => store.open('u/1/a.png')];
    for (const operation of operations) {
      const err = await blobStoreFailure(operation());
      expect(err).toMatchObject({ kind: 'misconfigured', code: '404', status: 400 });
      expect(err.message).toContain(`Supabase Storage bucket "no-such-bucket" does not exist at ${fake.url}: create it (private) in the project, or set ASSET_STORAGE_BUCKET`);
    }
    // Storage signs and deletes by object row, without looking the bucket up: there is simply no such object.
    expect(await store.signedUrl('u/1/a.png', 60)).toBeNull();
    await expect(store.delete('u/1/a.png')).resolves.toBeUndefined();
  });

  it('says a file is over the size limit, an outage is worth another try, and an unreachable project is unreachable', async () => {
    const small = await startFakeSupabaseStorage({ buckets: ['assets'], fileSizeLimit: 1024 });
    try {
      const store = createSupabaseBlobStore({ url: small.url, serviceRoleKey: small.serviceRoleKey, bucket: 'assets' });
      const tooLarge = await blobStoreFailure(store.put('u/1/big.bin', new Uint8Array(2048), 'application/octet-stream'));
      expect(tooLarge).toMatchObject({ kind: 'misconfigured', code: '413' });
      expect(tooLarge.message).toContain('too large for bucket "assets"');
      small.config.failWith = 503;
      const outage = await blobStoreFailure(store.open('u/1/a.png'));
      expect(outage).toMatchObject({ kind: 'unavailable', status: 503 });
    } finally {
      await small.close();
    }
    const url = `http://127.0.0.1:${await closedPort()}`;
    const gone = createSupabaseBlobStore({ url, serviceRoleKey: 'k', bucket: 'assets', timeoutMs: 2_000 });
    const err = await blobStoreFailure(gone.ping());
    expect(err).toMatchObject({ kind: 'unavailable', code: 'ECONNREFUSED' });
    expect(err.message).toBe(`Supabase Storage at ${url} is unreachable (ECONNREFUSED) for bucket "assets": check SUPABASE_URL and that the project is up`);
  });
});
