import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AssetSource } from '../../lib/http/assets.ts';
import { directoryAssets } from '../../lib/http/assets.ts';
import { packageAssets } from '../../lib/node/file-assets.ts';

/** The UI's own files, in `apps/web/static/`: the chat and assets pages' scripts and the stylesheet. */
export const WEB_OWN_FILES = ['chat.js', 'assets.js', 'web.css'] as const;
/** The files of the `htmx.org` package the UI serves itself (no CDN). */
export const WEB_HTMX_FILES = ['htmx.min.js'] as const;

/**
 * The web UI's static files for a Node entry file (`apps/web/main.ts`, the all-in-one): its own folder and htmx's
 * package, each through an allow-list.
 * @example createApp({ ...deps, staticAssets: webStaticAssets() });
 */
export function webStaticAssets(): AssetSource {
  const own = directoryAssets(fileURLToPath(new URL('./static', import.meta.url)), WEB_OWN_FILES, (path) => readFile(path));
  const htmx = packageAssets('htmx.org', 'dist/htmx.min.js', WEB_HTMX_FILES);
  return async function webAsset(name) {
    return (await own(name)) ?? (await htmx(name));
  };
}
