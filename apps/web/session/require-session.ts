import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../../lib/errors/api-error.ts';
import type { AppVariables } from '../../../lib/http/env.ts';
import { safeNext } from './local-path.ts';
import type { Sessions } from './sessions.ts';
import type { WebSession } from './web-session.ts';

/** The context of a route behind {@link requireSession}: `c.get('session')` is the signed-in user's session. */
export interface SignedInEnv {
  Variables: AppVariables & {
    session: WebSession;
    /** This request's refresh after the gateway refused its access token (one per request, see `callAsUser`). */
    renewal?: Promise<WebSession | null>;
  };
}

export interface RequireSessionOptions {
  /** Without a session: `redirect` to the sign-in page (pages), or answer `401` (scripts' requests). Default `redirect`. */
  signedOut?: 'redirect' | 'unauthorized';
}

/**
 * Thrown when the gateway refuses the signed-in user's session even after a refresh (it ended: signed out elsewhere,
 * revoked, expired). The cookie is already cleared; {@link requireSession} sends the browser to the sign-in page,
 * and scripts' requests get this `401`.
 * @example if (retried.status === 401) throw new SignedOutError();
 */
export class SignedOutError extends ApiError {
  constructor() {
    super('UNAUTHENTICATED', 'Your session has ended; please sign in again');
    this.name = 'SignedOutError';
  }
}

/**
 * The login page's URL that comes back to `path` afterwards (when it is a local page, see `safeNext`).
 * @example loginUrl('/chat/42') // '/login?next=%2Fchat%2F42'
 */
export function loginUrl(path: string): string {
  const next = safeNext(path);
  return next === '/chat' || next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/** The page the browser is on, from htmx's `HX-Current-URL` (its path and query only). */
function currentPage(c: Context): string {
  const current = c.req.header('hx-current-url');
  if (!current || !URL.canParse(current)) return '/';
  const url = new URL(current);
  return `${url.pathname}${url.search}`;
}

/**
 * Where to send a signed-out browser: htmx requests get `HX-Redirect` (the whole page goes, not a fragment swapping
 * in) back to the page they came from; page loads a `303` back to the page they asked for.
 */
function signInTarget(c: Context): { status: 303 | 401; headers: Record<string, string> } {
  if (c.req.header('hx-request') === 'true') return { status: 401, headers: { 'HX-Redirect': loginUrl(currentPage(c)) } };
  return { status: 303, headers: { location: c.req.method === 'GET' ? loginUrl(c.req.path) : '/login' } };
}

function toSignIn(c: Context, signedOut: RequireSessionOptions['signedOut']): Response {
  if (signedOut === 'unauthorized') throw new ApiError('UNAUTHENTICATED', 'Please sign in again');
  const { status, headers } = signInTarget(c);
  return c.body(null, status, headers);
}

/**
 * Lets only signed-in browsers through (refreshing an expired access token on the way). Without a session, and when
 * the route finds the session ended ({@link SignedOutError}), pages go to the sign-in page (htmx requests by
 * `HX-Redirect`) and scripts' requests (`signedOut: 'unauthorized'`) get a `401` envelope.
 * @example app.get('/chat', requireSession(sessions), (c) => c.text(c.get('session').user.email));
 */
export function requireSession(sessions: Sessions, options: RequireSessionOptions = {}): MiddlewareHandler<SignedInEnv> {
  const signedOut = options.signedOut ?? 'redirect';
  return async function requireSession(c, next) {
    const session = await sessions.current(c);
    if (!session) return toSignIn(c, signedOut);
    c.set('session', session);
    await next();
    // The route threw SignedOutError and onError answered its 401 envelope (with the cleared cookie, kept when
    // replacing the response); a page goes to the sign-in form instead.
    if (c.error instanceof SignedOutError && signedOut === 'redirect') {
      const { status, headers } = signInTarget(c);
      c.res = new Response(null, { status, headers });
    }
  };
}
