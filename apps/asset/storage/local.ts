import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { assertBlobKey } from './key.ts';
import type { BlobStore, StoredBlob } from './types.ts';

/**
 * Files in a local directory (the embedded default: `<DATA_DIR>/assets`): `<dir>/<key>` holds the bytes,
 * `<dir>/.types/<key>` the content type, and writes go through `<dir>/.tmp/` and a rename, so a reader sees the old
 * file or the new one, never half of one. Keys cannot reach `.types` or `.tmp` (no key segment starts with a dot). There
 * are no signed URLs: downloads go through the service, with the caller's rights.
 * @example const store = createLocalBlobStore({ dir: './.data/assets' }); await store.put('u/a/asset.png', bytes, 'image/png');
 */
export function createLocalBlobStore(options: { dir: string }): BlobStore {
  const root = resolve(options.dir);
  const under = (base: string, key: string) => {
    assertBlobKey(key);
    const path = join(base, ...key.split('/'));
    if (!path.startsWith(base + sep)) throw new TypeError(`invalid blob key ${JSON.stringify(key.slice(0, 80))}`);
    return path;
  };
  const fileOf = (key: string) => under(root, key);
  const typeOf = (key: string) => under(join(root, '.types'), key);
  const temps = join(root, '.tmp');

  return {
    kind: 'local',
    async put(key, bytes, contentType) {
      const path = fileOf(key);
      const typePath = typeOf(key);
      await Promise.all([mkdir(dirname(path), { recursive: true }), mkdir(dirname(typePath), { recursive: true }), mkdir(temps, { recursive: true })]);
      const temp = join(temps, crypto.randomUUID());
      const tempType = `${temp}.type`;
      try {
        await writeFile(temp, bytes);
        await writeFile(tempType, contentType);
        await rename(tempType, typePath);
        await rename(temp, path);
      } finally {
        await Promise.all([rm(temp, { force: true }), rm(tempType, { force: true })]);
      }
    },
    async open(key): Promise<StoredBlob | null> {
      const path = fileOf(key);
      let size: number;
      try {
        const info = await stat(path);
        if (!info.isFile()) return null;
        size = info.size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
        throw err;
      }
      const contentType = await readFile(typeOf(key), 'utf8').catch(() => 'application/octet-stream');
      const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
      return { body, size, contentType };
    },
    async delete(key) {
      // A directory under that name (the parent of other keys) is no blob: nothing to delete.
      const removed = (err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ERR_FS_EISDIR' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
      };
      await rm(fileOf(key), { force: true }).catch(removed);
      await rm(typeOf(key), { force: true }).catch(removed);
    },
    async signedUrl(key) {
      assertBlobKey(key);
      return null;
    },
    async ping() {
      await mkdir(root, { recursive: true });
      await stat(root);
    },
  };
}
