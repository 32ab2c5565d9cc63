/** A static file handed to an app by its entry file (apps never touch the filesystem themselves). */
export interface Asset {
  body: Uint8Array | string;
  contentType: string;
}

/**
 * Looks up a static file by a relative name; null when there is none. Node and Deno entries build one over a
 * directory; tests can use a Map.
 */
export type AssetSource = (name: string) => Promise<Asset | null>;

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  png: 'image/png',
  svg: 'image/svg+xml',
  map: 'application/json',
};

/** The content type for a file name, by its extension. */
export function contentTypeOf(name: string): string {
  return TYPES[name.slice(name.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

/** True for plain relative names: no `..`, no absolute paths, no backslashes, no hidden files. */
export function isSafeAssetName(name: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(name) && !name.includes('..');
}

/**
 * An asset source over a `read(path)` function (Node's `fs.readFile`, `Deno.readFile`), limited to `files`
 * under `dir` (an allow-list, so nothing else in the directory is ever served).
 * @example const swagger = directoryAssets('node_modules/swagger-ui-dist', ['swagger-ui.css'], (p) => readFile(p));
 */
export function directoryAssets(dir: string, files: readonly string[], read: (path: string) => Promise<Uint8Array>): AssetSource {
  const allowed = new Set(files);
  const cache = new Map<string, Asset>();
  return async function readAsset(name) {
    if (!allowed.has(name) || !isSafeAssetName(name)) return null;
    const hit = cache.get(name);
    if (hit) return hit;
    const asset = { body: await read(`${dir}/${name}`), contentType: contentTypeOf(name) };
    cache.set(name, asset);
    return asset;
  };
}
