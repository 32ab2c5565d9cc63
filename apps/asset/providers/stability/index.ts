import { remoteProvider, trimSlashes } from '../runtime.ts';
import type { AssetProvider } from '../types.ts';
import { STABILITY_BASE_URL, STABILITY_KINDS, STABILITY_PROVIDER, type StabilitySettings } from './api.ts';
import { generateWithStability } from './generate.ts';

export { STABILITY_PROVIDER, type StabilitySettings } from './api.ts';

/**
 * Stability AI's Stable Image API (REST v2beta, multipart): Core by default, Ultra or SD 3.5 by `model`.
 * @example const stability = createStabilityProvider({ apiKey, runtime });
 */
export function createStabilityProvider(settings: StabilitySettings): AssetProvider {
  const normalized = { ...settings, baseUrl: trimSlashes(settings.baseUrl ?? STABILITY_BASE_URL) };
  return remoteProvider(STABILITY_PROVIDER, STABILITY_KINDS, settings.runtime, (request, context) => generateWithStability(normalized, request, context));
}
