import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../../lib/errors/api-error.ts';
import type { AppVariables } from '../../../lib/http/env.ts';
import type { Sessions } from './sessions.ts';
import type { WebSession } from './web-session.ts';

/** The context of a route behind {@link requireSession}: `c.get('session')` is the signed-in user's session. */
export interface SignedInEnv {
  Variables: AppVariables & { session: WebSession };
}

export interface RequireSessionOptions {
  /** Without a session: `redirect` to the sign-in page (pages), or answer `401` (scripts' requests). Default `redirect`. */
  signedOut?: 'redirect' | 'unauthorized';
}

/**
 * The login page's URL that comes back to `path` afterwards.
 * @example loginUrl('/chat/42') // '/login?next=%2Fchat%2F42'
 */
export const loginUrl = (path: string) => (path === '/chat' || path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`);

/**
 * Lets only signed-in browsers through (refreshing an expired access token on the way). htmx requests without a
 * session get `HX-Redirect: /login`, so the whole page goes to the sign-in form instead of a fragment swapping in.
 * @example app.get('/chat', requireSession(sessions), (c) => c.text(c.get('session').user.email));
 */
export function requireSession(sessions: Sessions, options: RequireSessionOptions = {}): MiddlewareHandler<SignedInEnv> {
  const signedOut = options.signedOut ?? 'redirect';
  return async function requireSession(c, next) {
    const session = await sessions.current(c);
    if (!session) return toSignIn(c, signedOut);
    c.set('session', session);
    await next();
  };
}

/**
 * Sends the browser to the sign-in page: a redirect for pages, `HX-Redirect` for htmx, a `401` for scripts.
 * @example if (res.status === 401) { sessions.cookie.clear(c); return toSignIn(c); }
 */
export function toSignIn(c: Context, signedOut: RequireSessionOptions['signedOut'] = 'redirect'): Response {
  if (c.req.header('hx-request') === 'true') return c.body(null, 401, { 'HX-Redirect': '/login' });
  const target = c.req.method === 'GET' ? loginUrl(c.req.path) : '/login';
  if (signedOut === 'unauthorized') throw new ApiError('UNAUTHENTICATED', 'Please sign in again');
  return c.redirect(target, 303);
}
