import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeBlobStoreConformance, readBlob } from './conformance.ts';
import { createLocalBlobStore } from './local.ts';

describeBlobStoreConformance('local directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gaia-local-store-'));
  return { store: createLocalBlobStore({ dir }), close: async () => rmSync(dir, { recursive: true, force: true }) };
});

describe('local blob store', () => {
  it('keeps content types and temp files where no key reaches, and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gaia-local-store-'));
    try {
      const store = createLocalBlobStore({ dir });
      await store.put('u/a/asset.png', new Uint8Array([1, 2, 3]), 'image/png');
      await store.put('u/a/asset.png.type', new Uint8Array([9]), 'text/plain');
      const blob = await store.open('u/a/asset.png');
      expect(blob?.contentType).toBe('image/png');
      expect([...(await readBlob(blob!)).bytes]).toEqual([1, 2, 3]);
      const sibling = await store.open('u/a/asset.png.type');
      expect([...(await readBlob(sibling!)).bytes]).toEqual([9]);
      await expect(store.open('.types/u/a/asset.png')).rejects.toThrow(/invalid blob key/);
      expect(readdirSync(join(dir, '.tmp'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
