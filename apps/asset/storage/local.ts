import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore, StoredBlob } from './types.ts';

/** A key the service made: `/`-separated segments of letters, digits, `.`, `_`, `-`; no `..`, no leading dot. */
const SEGMENT = /^(?!\.)[A-Za-z0-9._-]{1,200}$/;

/**
 * Checks a key before it touches the file system (keys are ours, but a bug must not reach outside the root).
 * @example checkKey('4f1c…/9a2b…/asset.png') // ok; checkKey('../etc/passwd') throws
 */
export function checkKey(key: string): string[] {
  const segments = key.split('/');
  if (segments.length === 0 || segments.length > 8 || !segments.every((s) => SEGMENT.test(s) && s !== '..')) {
    throw new Error(`Invalid blob key: ${JSON.stringify(key.slice(0, 100))}`);
  }
  return segments;
}

/** The content type of a file we wrote, kept beside it (`<file>.type`) so reads need no guessing. */
const typeFile = (path: string) => `${path}.type`;

/**
 * Files in a local directory (the embedded default: `<DATA_DIR>/assets`). Writes are atomic (a temp file renamed
 * into place), reads stream from disk; there are no signed URLs, so downloads go through the service with the
 * caller's rights.
 * @example const store = createLocalBlobStore({ dir: './.data/assets' }); await store.put('u/a/asset.png', bytes, 'image/png');
 */
export function createLocalBlobStore(options: { dir: string }): BlobStore {
  const root = resolve(options.dir);
  const pathOf = (key: string) => {
    const path = join(root, ...checkKey(key));
    if (!path.startsWith(root + sep)) throw new Error('Invalid blob key');
    return path;
  };

  return {
    kind: 'local',
    async put(key, bytes, contentType) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${crypto.randomUUID()}.tmp`;
      try {
        await writeFile(temp, bytes);
        await writeFile(typeFile(path), contentType);
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async open(key): Promise<StoredBlob | null> {
      const path = pathOf(key);
      let size: number;
      try {
        const info = await stat(path);
        if (!info.isFile()) return null;
        size = info.size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      const contentType = await readFile(typeFile(path), 'utf8').catch(() => 'application/octet-stream');
      const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
      return { body, size, contentType };
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      await rm(typeFile(path), { force: true });
    },
    async signedUrl() {
      return null;
    },
    async ping() {
      await mkdir(root, { recursive: true });
      await stat(root);
    },
  };
}
