import type { ProviderRuntime } from '../runtime.ts';
import type { AssetKind } from '../types.ts';

export const MESHY_PROVIDER = 'meshy';
export const MESHY_KINDS: readonly AssetKind[] = ['model3d'];
export const MESHY_BASE_URL = 'https://api.meshy.ai';
/** The header Meshy's webhook deliveries carry their HMAC-SHA256 (hex) of the raw body in. */
export const MESHY_SIGNATURE_HEADER = 'x-meshy-signature';

export interface MeshySettings {
  apiKey: string;
  /** Default {@link MESHY_BASE_URL}. */
  baseUrl?: string;
  /** `ai_model`: `latest` (default), `meshy-6`, `meshy-5`. */
  aiModel?: string;
  /** The webhook secret of the Meshy dashboard's webhook; with it, verified deliveries cut polling short. */
  webhookSecret?: string;
  runtime: ProviderRuntime;
}

/** `POST` creates a preview task; `GET {url}/{id}` reads it. */
export const textTo3dUrl = (baseUrl: string): string => `${baseUrl}/openapi/v2/text-to-3d`;
export const textTo3dTaskUrl = (baseUrl: string, id: string): string => `${textTo3dUrl(baseUrl)}/${encodeURIComponent(id)}`;

export const meshyHeaders = (apiKey: string): Record<string, string> => ({
  authorization: `Bearer ${apiKey}`,
  'content-type': 'application/json',
  accept: 'application/json',
});
