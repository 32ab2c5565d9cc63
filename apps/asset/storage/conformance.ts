import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore, StoredBlob } from './types.ts';

/** What a store's test hands to {@link describeBlobStoreConformance}: a working store, and how to stop what backs it. */
export interface ConformanceSubject {
  store: BlobStore;
  close?(): Promise<void>;
}

/** Reads a blob's whole body, counting the chunks it came in. */
export async function readBlob(blob: StoredBlob): Promise<{ bytes: Uint8Array; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of blob.body) parts.push(chunk);
  return { bytes: new Uint8Array(Buffer.concat(parts)), chunks: parts.length };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = (value: string) => new TextEncoder().encode(value);
const BAD_KEYS = ['../escape', 'a/../../escape', '/absolute', 'a//b', 'a/./b', '', 'a/b/', 'a\\b', '.hidden', 'a b', 'é', 'x'.repeat(513)];

/**
 * The contract every {@link BlobStore} keeps, run against one store: put/open round trips (empty, binary, replaced,
 * 4 MiB streamed in chunks), `null` for missing keys and for parents or siblings of written ones, idempotent and exact
 * deletes, concurrent writes, refused keys, signed URLs that a plain `fetch` can use and that expire, and `ping`. Each
 * test writes under its own random prefix, so one store (and bucket) serves the whole suite. A store without signed
 * URLs (local) must answer `null` for them. Keys are refused with an error whose message says `invalid blob key`
 * (`assertBlobKey` in `key.ts` does both).
 * @example describeBlobStoreConformance('s3 on s3rver', async () => ({ store: createS3BlobStore(settings), close: () => server.close() }));
 */
export function describeBlobStoreConformance(name: string, setup: () => Promise<ConformanceSubject>): void {
  describe(`BlobStore conformance: ${name}`, () => {
    let subject: ConformanceSubject;
    const store = () => subject.store;
    const prefix = () => `conformance/${randomUUID()}`;
    const open = async (key: string) => {
      const blob = await store().open(key);
      return blob && { ...(await readBlob(blob)), size: blob.size, contentType: blob.contentType };
    };

    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => {
      await subject?.close?.();
    });

    it('answers ping', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });

    it('answers every byte back with its size and content type, an empty file included', async () => {
      const key = `${prefix()}/asset.bin`;
      const bytes = new Uint8Array(512).map((_, i) => i % 256);
      await store().put(key, bytes, 'application/octet-stream');
      const read = await open(key);
      expect(read).toMatchObject({ size: 512, contentType: 'application/octet-stream' });
      expect(Buffer.from(read!.bytes).equals(Buffer.from(bytes))).toBe(true);

      const empty = `${prefix()}/empty.txt`;
      await store().put(empty, new Uint8Array(0), 'text/plain');
      expect(await open(empty)).toMatchObject({ size: 0, contentType: 'text/plain', bytes: new Uint8Array(0) });
    });

    it('replaces a file and its content type on a second put', async () => {
      const key = `${prefix()}/asset.png`;
      await store().put(key, text('first version'), 'text/plain');
      await store().put(key, text('{"second":true}'), 'application/json');
      const read = await open(key);
      expect(read).toMatchObject({ size: 15, contentType: 'application/json' });
      expect(new TextDecoder().decode(read!.bytes)).toBe('{"second":true}');
    });

    it('answers null for a key never written, and for a parent or a sibling of a written one', async () => {
      const base = prefix();
      await store().put(`${base}/dir/file.png`, text('x'), 'image/png');
      expect(await store().open(`${base}/never.png`)).toBeNull();
      expect(await store().open(`${base}/dir`)).toBeNull();
      expect(await store().open(`${base}/dir/file`)).toBeNull();
      expect(await store().open(`${base}/dir/file.png.bak`)).toBeNull();
    });

    it('deletes exactly the key, and deleting again or a missing key is no error', async () => {
      const base = prefix();
      const keys = ['a/file', 'a/file.png', 'a/filed', 'a/sub/file'];
      for (const key of keys) await store().put(`${base}/${key}`, text(key), 'text/plain');
      await store().delete(`${base}/a/file`);
      expect(await store().open(`${base}/a/file`)).toBeNull();
      for (const key of keys.slice(1)) expect((await open(`${base}/${key}`))?.size, key).toBe(key.length);
      await expect(store().delete(`${base}/a/file`)).resolves.toBeUndefined();
      await expect(store().delete(`${base}/never/written`)).resolves.toBeUndefined();
      // A parent "directory" is not a key: deleting it is no error and leaves everything below it.
      await expect(store().delete(`${base}/a/sub`)).resolves.toBeUndefined();
      await expect(store().delete(`${base}/a`)).resolves.toBeUndefined();
      expect((await open(`${base}/a/sub/file`))?.size).toBe('a/sub/file'.length);
    });

    it('streams a 4 MiB file in several chunks, intact, and a cancelled read leaves the store usable', async () => {
      const key = `${prefix()}/large.bin`;
      const bytes = new Uint8Array(randomBytes(4 * 1024 * 1024));
      await store().put(key, bytes, 'application/octet-stream');
      const read = await open(key);
      expect(read?.size).toBe(bytes.byteLength);
      expect(read!.chunks).toBeGreaterThan(1);
      expect(sha256(read!.bytes)).toBe(sha256(bytes));

      const blob = await store().open(key);
      const reader = blob!.body.getReader();
      expect((await reader.read()).done).toBe(false);
      await reader.cancel();
      expect(sha256((await open(key))!.bytes)).toBe(sha256(bytes));
    });

    it('keeps concurrent writes to different keys apart', async () => {
      const base = prefix();
      const keys = Array.from({ length: 12 }, (_, i) => `${base}/file-${i}.txt`);
      await Promise.all(keys.map((key) => store().put(key, text(key), 'text/plain')));
      const read = await Promise.all(keys.map((key) => open(key)));
      expect(read.map((r) => new TextDecoder().decode(r!.bytes))).toEqual(keys);
    });

    it('refuses keys that are not service-made, on every operation', async () => {
      for (const key of BAD_KEYS) {
        await expect(store().put(key, text('x'), 'text/plain'), key).rejects.toThrow(/invalid blob key/i);
        await expect(store().open(key), key).rejects.toThrow(/invalid blob key/i);
        await expect(store().delete(key), key).rejects.toThrow(/invalid blob key/i);
        await expect(store().signedUrl(key, 60), key).rejects.toThrow(/invalid blob key/i);
      }
    });

    it('gives a signed URL that a plain fetch downloads (or none, for a store that serves through the service)', async () => {
      const key = `${prefix()}/signed.wav`;
      const bytes = new Uint8Array(randomBytes(300_000));
      await store().put(key, bytes, 'audio/wav');
      const url = await store().signedUrl(key, 60);
      if (url === null) {
        expect(store().kind).toBe('local');
        return;
      }
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));
      await expect(store().signedUrl(key, 0)).rejects.toThrow(RangeError);
      await expect(store().signedUrl(key, 604_801)).rejects.toThrow(RangeError);
    });

    it('gives signed URLs that stop working after their lifetime', async () => {
      const key = `${prefix()}/expiring.txt`;
      await store().put(key, text('soon gone'), 'text/plain');
      const signedAt = Date.now();
      const url = await store().signedUrl(key, 2);
      if (url === null) return;
      expect((await fetch(url)).status).toBe(200);
      // Lifetimes count from a whole second (S3's X-Amz-Date, a JWT's iat): 3.1 s after signing, 2 s have passed.
      await new Promise((resolve) => setTimeout(resolve, 3_100 - (Date.now() - signedAt)));
      const late = await fetch(url);
      expect(late.status).toBeGreaterThanOrEqual(400);
      expect(late.status).toBeLessThan(500);
      expect(await late.text()).not.toContain('soon gone');
    });
  });
}
