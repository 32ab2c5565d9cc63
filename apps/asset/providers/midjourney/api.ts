import type { ProviderRuntime } from '../runtime.ts';
import type { AssetKind } from '../types.ts';

export const MIDJOURNEY_PROVIDER = 'midjourney';
export const MIDJOURNEY_KINDS: readonly AssetKind[] = ['image', 'texture'];

/**
 * A midjourney-proxy compatible API (novicezk/midjourney-proxy and its forks): `POST {base}/mj/submit/imagine` →
 * task id, `GET {base}/mj/task/{id}/fetch` → the task, `POST {base}/mj/submit/action` for a button (`U1`: upscale),
 * optionally a `notifyHook` callback on each change.
 */
export interface MidjourneySettings {
  /** The proxy's base URL, without `/mj`, e.g. `https://mj-proxy.internal:8080`. */
  baseUrl: string;
  /** The proxy's API secret. */
  token?: string;
  /** How the token travels: the proxy's own `mj-api-secret` header (default) or `Authorization: Bearer` (hosted relays). */
  auth?: 'mj-api-secret' | 'bearer';
  /** Where the proxy should POST task updates (the asset service's webhook route); with {@link webhookSecret}. */
  notifyUrl?: string;
  /** Signs the `state` the proxy echoes in callbacks (the proxy itself signs nothing). */
  webhookSecret?: string;
  runtime: ProviderRuntime;
}

export const submitImagineUrl = (baseUrl: string): string => `${baseUrl}/mj/submit/imagine`;
export const submitActionUrl = (baseUrl: string): string => `${baseUrl}/mj/submit/action`;
export const fetchTaskUrl = (baseUrl: string, taskId: string): string => `${baseUrl}/mj/task/${encodeURIComponent(taskId)}/fetch`;

export function midjourneyHeaders(settings: MidjourneySettings): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (settings.token) {
    if (settings.auth === 'bearer') headers.authorization = `Bearer ${settings.token}`;
    else headers['mj-api-secret'] = settings.token;
  }
  return headers;
}

/** midjourney-proxy's submit codes: 1 submitted, 21 already exists, 22 queued; 23 queue full (busy); 24 banned prompt. */
export const SUBMIT_ACCEPTED = new Set([1, 21, 22]);
export const SUBMIT_BUSY = 23;
export const SUBMIT_BANNED = 24;
