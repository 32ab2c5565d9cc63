import type { ProviderRuntime } from '../runtime.ts';
import type { AssetKind } from '../types.ts';

export const STABILITY_PROVIDER = 'stability';
export const STABILITY_KINDS: readonly AssetKind[] = ['image', 'texture'];
export const STABILITY_BASE_URL = 'https://api.stability.ai';
/** Stable Image Core: the fast, cheap tier. Others: `ultra`, `sd3.5-large`, `sd3.5-large-turbo`, `sd3.5-medium`. */
export const STABILITY_MODEL = 'core';

export interface StabilitySettings {
  apiKey: string;
  /** Default {@link STABILITY_BASE_URL}. */
  baseUrl?: string;
  model?: string;
  runtime: ProviderRuntime;
}

/** `POST /v2beta/stable-image/generate/{core|ultra|sd3}`: the SD 3.x models share one endpoint and name themselves in `model`. */
export function generateUrl(baseUrl: string, model: string): string {
  const endpoint = model.startsWith('sd3') ? 'sd3' : model;
  return `${baseUrl}/v2beta/stable-image/generate/${encodeURIComponent(endpoint)}`;
}

/** `Accept: image/*` asks for the image's bytes (with `finish-reason` and `seed` headers) rather than base64 JSON. */
export const stabilityHeaders = (apiKey: string): Record<string, string> => ({ authorization: `Bearer ${apiKey}`, accept: 'image/*' });
