import { remoteProvider, trimSlashes } from '../runtime.ts';
import type { AssetProvider } from '../types.ts';
import { MESHY_BASE_URL, MESHY_KINDS, MESHY_PROVIDER, type MeshySettings } from './api.ts';
import { generateWithMeshy } from './generate.ts';
import { verifyMeshyDelivery } from './webhook.ts';

export { MESHY_PROVIDER, type MeshySettings } from './api.ts';

/**
 * Text-to-3D from Meshy (preview task → poll, or its verified webhook → GLB).
 * @example const meshy = createMeshyProvider({ apiKey, runtime });
 */
export function createMeshyProvider(settings: MeshySettings): AssetProvider {
  const normalized = { ...settings, baseUrl: trimSlashes(settings.baseUrl ?? MESHY_BASE_URL) };
  const secret = settings.webhookSecret;
  const verify = secret ? (headers: Headers, rawBody: string) => verifyMeshyDelivery(secret, headers, rawBody) : undefined;
  return remoteProvider(MESHY_PROVIDER, MESHY_KINDS, settings.runtime, (request, context) => generateWithMeshy(normalized, request, context), verify);
}
