import { remoteProvider, trimSlashes } from '../runtime.ts';
import type { AssetProvider } from '../types.ts';
import { MIDJOURNEY_KINDS, MIDJOURNEY_PROVIDER, type MidjourneySettings } from './api.ts';
import { generateWithMidjourney } from './generate.ts';
import { verifyMidjourneyCallback } from './webhook.ts';

export { MIDJOURNEY_PROVIDER, type MidjourneySettings } from './api.ts';

/**
 * Midjourney through a configurable midjourney-proxy API (imagine → poll or callback → upscale → download); with a
 * webhook secret, its callbacks verify by their signed `state`.
 * @example const midjourney = createMidjourneyProvider({ baseUrl: 'http://mj-proxy:8080', token, runtime });
 */
export function createMidjourneyProvider(settings: MidjourneySettings): AssetProvider {
  const normalized = { ...settings, baseUrl: trimSlashes(settings.baseUrl) };
  const secret = settings.webhookSecret;
  const verify = secret ? (_headers: Headers, rawBody: string) => verifyMidjourneyCallback(secret, rawBody) : undefined;
  return remoteProvider(MIDJOURNEY_PROVIDER, MIDJOURNEY_KINDS, settings.runtime, (request, context) => generateWithMidjourney(normalized, request, context), verify);
}
