import { isServicePublicPath } from '../../../lib/platform/public-paths.ts';
import { serviceForPath } from '../routes/proxy-table.ts';

/**
 * How the gateway treats a public path: which need credentials, and which error format a refusal uses.
 * GAIA-API.md §1 and §3 decide both.
 */

/** The gateway's own routes: answered by the gateway itself, never authenticated, rate-limited or cached. */
export function isGatewayOwnPath(path: string): boolean {
  return path === '/' || path === '/health' || path === '/ready' || path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/');
}

/**
 * Whether a path needs no credentials at the gateway (valid credentials are still used there): the gateway's own
 * routes and the paths the services declare public (`PUBLIC_PATHS`: GAIA's auth operations, the JWKS, the asset
 * liveness check, the KB webhook).
 * @example isPublicPath('/api/v1/auth/login') // true
 */
export function isPublicPath(path: string): boolean {
  return isGatewayOwnPath(path) || isServicePublicPath(path);
}

/**
 * Whether the gateway refuses a path without valid credentials: every path it forwards to a service, except the
 * public ones. Paths it does not serve at all stay a plain 404 for everyone (GAIA-API §2).
 * @example needsCredentials('/api/v1/conversations') // true; needsCredentials('/nope') // false
 */
export function needsCredentials(path: string): boolean {
  return serviceForPath(path) !== undefined && !isPublicPath(path);
}

/** Our routes that share GAIA's `/api/v1` prefix: they use the `{"error": ...}` envelope. */
const OURS_UNDER_GAIA_PREFIX =
  /^\/api\/v1\/(kb(\/|$)|auth\/(api-keys|admin|teams)(\/|$)|assets\/(jobs|webhooks|budget)(\/|$)|assets\/[^/]+\/(download|preview)$)/;

/** `/api/v1/assets/{id}`: GAIA's on GET (its Asset), ours on DELETE. */
const ASSET_ITEM = /^\/api\/v1\/assets\/[^/]+$/;

/**
 * Which wire format the gateway's own refusals (401, 413, 429, 500/503) use on a path: `gaia` (`{"detail": ...}`, for
 * GAIA clients) on `/api/v1/*` (except our KB, API-key, admin, team and asset-job routes, and `DELETE` of an asset),
 * `/api/v0.3/*` and `/auth/*`; `openai` (OpenAI's `{"error":{message,type,param,code}}`, so OpenAI SDKs raise their
 * own errors) on the OpenAI-compatible `/v1/*`; `envelope` everywhere else.
 * @example wireFormat('/api/v1/chat') // 'gaia'; wireFormat('/v1/models') // 'openai'; wireFormat('/api/v1/assets/x', 'DELETE') // 'envelope'
 */
export function wireFormat(path: string, method = 'GET'): 'gaia' | 'openai' | 'envelope' {
  if (path.startsWith('/api/v0.3/') || path === '/api/v0.3' || path.startsWith('/auth/') || path === '/auth') return 'gaia';
  if (path.startsWith('/api/v1/') || path === '/api/v1') {
    if (method.toUpperCase() === 'DELETE' && ASSET_ITEM.test(path)) return 'envelope';
    return OURS_UNDER_GAIA_PREFIX.test(path) ? 'envelope' : 'gaia';
  }
  if (path.startsWith('/v1/') || path === '/v1') return 'openai';
  return 'envelope';
}
