import type { ProviderRuntime } from '../runtime.ts';
import type { AssetKind } from '../types.ts';

export const MUBERT_PROVIDER = 'mubert';
export const MUBERT_KINDS: readonly AssetKind[] = ['audio'];
/** Mubert Music API v3. */
export const MUBERT_BASE_URL = 'https://music-api.mubert.com/api/v3';

/** A Mubert customer's credentials (the `customer-id` and `access-token` headers of API v3). */
export interface MubertSettings {
  customerId: string;
  accessToken: string;
  /** Default {@link MUBERT_BASE_URL}. */
  baseUrl?: string;
  runtime: ProviderRuntime;
}

export const tracksUrl = (baseUrl: string): string => `${baseUrl}/public/tracks`;
export const trackUrl = (baseUrl: string, id: string): string => `${baseUrl}/public/tracks/${encodeURIComponent(id)}`;

export const mubertHeaders = (settings: MubertSettings): Record<string, string> => ({
  'customer-id': settings.customerId,
  'access-token': settings.accessToken,
  'content-type': 'application/json',
  accept: 'application/json',
});
