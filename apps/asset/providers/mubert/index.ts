import { remoteProvider, trimSlashes } from '../runtime.ts';
import type { AssetProvider } from '../types.ts';
import { MUBERT_BASE_URL, MUBERT_KINDS, MUBERT_PROVIDER, type MubertSettings } from './api.ts';
import { generateWithMubert } from './generate.ts';

export { MUBERT_PROVIDER, type MubertSettings } from './api.ts';

/**
 * Music from Mubert's Music API v3 (create track → poll → download).
 * @example const mubert = createMubertProvider({ customerId, accessToken, runtime });
 */
export function createMubertProvider(settings: MubertSettings): AssetProvider {
  const normalized = { ...settings, baseUrl: trimSlashes(settings.baseUrl ?? MUBERT_BASE_URL) };
  return remoteProvider(MUBERT_PROVIDER, MUBERT_KINDS, settings.runtime, (request, context) => generateWithMubert(normalized, request, context));
}
