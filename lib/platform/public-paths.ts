import type { ServiceName } from '../service/types.ts';

/**
 * The paths each service answers without an identity (besides `/health`, `/ready`, `/openapi.json`): the one
 * definition both the service (its `authenticateService`) and the gateway (which lets anonymous callers through
 * to them) use. A pattern matches the whole path.
 */
export const PUBLIC_PATHS: Readonly<Record<Exclude<ServiceName, 'web'>, readonly RegExp[]>> = {
  /**
   * GAIA's auth operations under `/auth`, `/api/v1/auth` and `/api/v0.3/auth` (`me` and `logout` read an identity
   * when there is one), the auth health and the JWKS.
   */
  auth: [
    /^\/(api\/v1\/|api\/v0\.3\/)?auth\/(login|register|refresh|logout|confirm|resend-verification|validate|api-key-login|me)$/,
    /^\/auth\/health$/,
    /^\/\.well-known\/jwks\.json$/,
  ],
  /** The Git host's push webhook: authenticated by its signature in the kb service. */
  kb: [/^\/api\/v1\/kb\/webhook$/],
  /** GAIA's asset liveness check (GAIA-API §11); providers' webhooks, authenticated by their signature in the asset service. */
  asset: [/^\/api\/v1\/assets\/test$/, /^\/api\/v1\/assets\/webhooks\/[^/]{1,100}$/],
  chat: [],
};

/**
 * Whether a service answers `path` without an identity.
 * @example isServicePublicPath('/api/v1/auth/login') // true
 */
export function isServicePublicPath(path: string): boolean {
  return Object.values(PUBLIC_PATHS).some((patterns) => patterns.some((pattern) => pattern.test(path)));
}
