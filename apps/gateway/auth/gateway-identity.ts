import type { Context, MiddlewareHandler } from 'hono';
import { INTERNAL_TOKEN_HEADER } from '../../../lib/auth/internal-token.ts';
import type { ServiceName } from '../../../lib/service/types.ts';
import { DEFAULT_AUTH_ISSUER } from '../config.ts';
import type { GatewayDeps } from '../deps.ts';
import type { GatewayEnv } from '../env.ts';
import { createApiKeyVerifier } from './api-keys.ts';
import { authServiceCalls } from './auth-service.ts';
import { authenticate } from './authenticate.ts';
import { createBearerVerifier } from './bearer-tokens.ts';
import { createRevocationFeed } from './revocation-feed.ts';
import { createSessionGuard } from './session-guard.ts';
import { ANONYMOUS_PRINCIPAL, createIdentityTokens } from '../../../lib/auth/identity-tokens.ts';

/** A gateway on its own memory KV hears no revocation: it asks the auth service about a session this often. */
const UNSHARED_KV_FILL_TTL_MS = 5_000;

export interface GatewayIdentity {
  /** Establishes `c.var.principal` and refuses requests without valid credentials outside public paths. */
  authenticate: MiddlewareHandler<GatewayEnv>;
  /** Route middleware in front of a proxy to `service`: signs the caller's identity for that service. */
  signFor(service: ServiceName): MiddlewareHandler<GatewayEnv>;
  /** `ProxyOptions.headers`: the signed identity, which replaces any `X-Gaia-Identity` the client sent. */
  headers(c: Context<GatewayEnv>): Record<string, string>;
}

/**
 * The gateway's identity machinery from its deps: bearer JWTs verified locally (the auth service's JWKS, Supabase
 * when configured), API keys verified through the auth service with in-process and KV caches invalidated by
 * revocations, and the `X-Gaia-Identity` token every proxied request carries (anonymous callers included), signed
 * with `deps.internalKey` for the target service and reused for part of its lifetime.
 * @example
 * const identity = createGatewayIdentity(deps);
 * app.use(identity.authenticate);
 * app.all('/api/v1/kb/*', identity.signFor('kb'), proxyTo(deps.services.kb, { ...options, headers: identity.headers }));
 */
export function createGatewayIdentity(deps: GatewayDeps): GatewayIdentity {
  const { logger, kv, options } = deps;
  const tokens = createIdentityTokens(deps.internalKey);
  const auth = authServiceCalls(deps.services.auth, tokens);
  // Revocations drop what each cache keeps in process; a gap in the feed drops everything kept there.
  const feed = createRevocationFeed({
    kv,
    logger,
    onRevocation: (revocation) => {
      if (revocation.type === 'api_key') apiKeys.forget(revocation.keyHash);
      else sessions.apply(revocation);
    },
    onGap: () => {
      apiKeys.dropMemory();
      sessions.dropMemory();
    },
  });
  const apiKeys = createApiKeyVerifier({ kv, feed, logger, verify: (key) => auth.verifyApiKey(key) });
  const sessions = createSessionGuard({
    kv,
    feed,
    logger,
    check: (userId, sessionId) => auth.checkSession(userId, sessionId),
    ...(options.kvSharedWithAuth === false ? { fillTtlMs: UNSHARED_KV_FILL_TTL_MS } : {}),
  });
  const bearer = createBearerVerifier({
    issuer: options.authIssuer ?? DEFAULT_AUTH_ISSUER,
    jwks: () => auth.jwks(),
    provision: (identity) => auth.provisionUser(identity),
    sessions,
    kv,
    logger,
    ...(options.supabase ? { supabase: options.supabase } : {}),
  });
  const signed = new WeakMap<Context<GatewayEnv>, string>();

  return {
    authenticate: authenticate({ bearer, apiKeys, logger }),
    signFor(service) {
      return async function signIdentity(c, next) {
        signed.set(c, await tokens.get(c.var.principal ?? ANONYMOUS_PRINCIPAL, service));
        return next();
      };
    },
    headers(c) {
      const token = signed.get(c);
      // Without a signed identity the header is still overwritten, so a client's forged token never passes.
      return { [INTERNAL_TOKEN_HEADER]: token ?? '' };
    },
  };
}
