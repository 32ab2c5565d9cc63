import type { Context } from 'hono';
import { ApiError } from '../../../lib/errors/api-error.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { callGateway } from '../gateway/call-gateway.ts';
import type { WebDeps } from '../deps.ts';
import { type SessionCookie, sessionCookie } from './session-cookie.ts';
import { GatewaySessionSchema, toWebSession, type WebSession } from './web-session.ts';

/** Refresh this long before the access token expires, so a request never arrives at the gateway with a stale one. */
const REFRESH_EARLY_S = 30;
/** How long a rotated refresh token's outcome is remembered, for requests that still carry the old cookie. */
const REMEMBER_MS = 60_000;

export interface Sessions {
  cookie: SessionCookie;
  /** The browser's session, its access token refreshed first when (nearly) expired; `null` when signed out. */
  current(c: Context): Promise<WebSession | null>;
  /**
   * Refreshes `stale` (one refresh shared by every request carrying it) and re-seals the cookie; when the gateway
   * refuses, clears the cookie and answers `null`.
   */
  renew(c: Context, stale: WebSession): Promise<WebSession | null>;
  /** Signs the browser in with a session the gateway issued. */
  start(c: Context, session: WebSession): Promise<void>;
  /** Ends the session at the gateway (best effort) and clears the cookie. */
  end(c: Context): Promise<void>;
}

export interface SessionsOptions {
  gateway: WebDeps['gateway'];
  logger: Logger;
  /** The cookie's AES-256-GCM key; default random per process. */
  key?: Uint8Array;
  now?: () => number;
}

/**
 * Browser sessions over the gateway's auth API. Refresh tokens rotate (and reusing an old one ends the session), so
 * concurrent requests carrying the same expired session share one refresh, and a request that still carries the old
 * cookie shortly afterwards gets the renewed session instead of replaying the used token.
 * @example const sessions = createSessions({ gateway, logger }); const session = await sessions.current(c);
 */
export function createSessions(options: SessionsOptions): Sessions {
  const cookie = sessionCookie(options.key ? { key: options.key } : {});
  const now = options.now ?? Date.now;
  const refreshes = new Map<string, { at: number; outcome: Promise<WebSession | null> }>();

  async function refresh(c: Context, session: WebSession): Promise<WebSession | null> {
    const res = await callGateway(options, c, { method: 'POST', path: '/api/v1/auth/refresh', json: { refresh_token: session.refreshToken } });
    if (res.status === 429) throw new ApiError('RATE_LIMITED', 'Too many requests; please try again in a minute');
    if (res.status >= 500) throw new ApiError('BAD_GATEWAY', 'The platform could not renew your session; please try again');
    if (!res.ok) return null;
    const parsed = GatewaySessionSchema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new ApiError('BAD_GATEWAY', 'The platform answered an unreadable session');
    return toWebSession(parsed.data, now());
  }

  function sharedRefresh(c: Context, session: WebSession): Promise<WebSession | null> {
    const at = now();
    for (const [token, entry] of refreshes) if (at - entry.at > REMEMBER_MS) refreshes.delete(token);
    const known = refreshes.get(session.refreshToken);
    if (known) return known.outcome;
    const outcome = refresh(c, session);
    refreshes.set(session.refreshToken, { at, outcome });
    outcome.catch(() => refreshes.delete(session.refreshToken));
    return outcome;
  }

  async function renew(c: Context, stale: WebSession): Promise<WebSession | null> {
    const renewed = await sharedRefresh(c, stale);
    if (renewed) await cookie.write(c, renewed);
    else {
      options.logger.info('web session ended: refresh refused', { userId: stale.user.id });
      cookie.clear(c);
    }
    return renewed;
  }

  return {
    cookie,
    async current(c) {
      const session = await cookie.read(c);
      if (!session) return null;
      if (session.expiresAt - REFRESH_EARLY_S > now() / 1000) return session;
      return renew(c, session);
    },
    renew,
    start: (c, session) => cookie.write(c, session),
    async end(c) {
      const session = await cookie.read(c);
      cookie.clear(c);
      if (!session) return;
      try {
        await callGateway(options, c, {
          method: 'POST',
          path: '/api/v1/auth/logout',
          token: session.accessToken,
          json: { refresh_token: session.refreshToken },
        });
      } catch (err) {
        options.logger.warn('gateway logout failed', { error: String(err) });
      }
    },
  };
}
