import { ASSET_KINDS, type AssetProvider } from '../types.ts';
import { LOCAL_PROVIDER } from './api.ts';
import { generateLocally } from './generate.ts';

export { LOCAL_MODEL, LOCAL_PROVIDER } from './api.ts';

/**
 * The offline default provider: real files from the request's seed, at no cost — a procedural PNG for images and
 * (seamless) textures, a WAV tune for audio, a GLB primitive for 3D — valid files standard tools open.
 * @example const result = await createLocalProvider().generate(request, { signal, onProgress, logger });
 */
export function createLocalProvider(): AssetProvider {
  return {
    name: LOCAL_PROVIDER,
    kinds: ASSET_KINDS,
    estimate: () => 0,
    generate: generateLocally,
  };
}
