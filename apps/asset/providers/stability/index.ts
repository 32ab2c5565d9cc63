import { priceOf } from '../runtime.ts';
import type { AssetProvider } from '../types.ts';
import { STABILITY_KINDS, STABILITY_PROVIDER, type StabilitySettings } from './api.ts';
import { generateWithStability } from './generate.ts';

export { STABILITY_PROVIDER, type StabilitySettings } from './api.ts';

/**
 * Stability AI's Stable Image API (REST v2beta, multipart): Core by default, Ultra or SD 3.5 by `model`.
 * @example const stability = createStabilityProvider({ apiKey, runtime });
 */
export function createStabilityProvider(settings: StabilitySettings): AssetProvider {
  const normalized = { ...settings, ...(settings.baseUrl ? { baseUrl: settings.baseUrl.replace(/\/+$/, '') } : {}) };
  return {
    name: STABILITY_PROVIDER,
    kinds: STABILITY_KINDS,
    estimate: (request) => priceOf(settings.runtime.prices, STABILITY_PROVIDER, request),
    generate: (request, context) => generateWithStability(normalized, request, context),
  };
}
