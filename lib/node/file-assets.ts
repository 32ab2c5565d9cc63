import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { type AssetSource, directoryAssets } from '../http/assets.ts';

const require = createRequire(import.meta.url);

/**
 * Serves an allow-list of files from an installed npm package's folder (resolved through Node's resolver, so it
 * works wherever `node_modules` is).
 * @example const docs = packageAssets('swagger-ui-dist', 'swagger-ui.css', SWAGGER_FILES);
 */
export function packageAssets(pkg: string, anchorFile: string, files: readonly string[]): AssetSource {
  const dir = dirname(require.resolve(`${pkg}/${anchorFile}`));
  return directoryAssets(dir, files, (path) => readFile(path));
}
