import type { Context } from 'hono';
import type { WebDeps } from '../deps.ts';
import { callGateway, type GatewayCall } from '../gateway/call-gateway.ts';
import { SignedOutError, type SignedInEnv } from './require-session.ts';
import type { Sessions } from './sessions.ts';

/**
 * One gateway request as the signed-in user. When the gateway refuses the access token (`401`: the session ended,
 * or the token went stale early), the session is renewed once for the whole request (shared with every request
 * carrying it) and the call is sent again with the new token; when the refresh is refused too, or the new token is,
 * the cookie is cleared and {@link SignedOutError} is thrown, which `requireSession` turns into the sign-in page.
 * @example const res = await callAsUser(deps, sessions, c, { path: '/api/v1/conversations' });
 */
export async function callAsUser(
  deps: Pick<WebDeps, 'gateway'>,
  sessions: Sessions,
  c: Context<SignedInEnv>,
  call: Omit<GatewayCall, 'token'>,
): Promise<Response> {
  const session = c.get('session');
  const res = await callGateway(deps, c, { ...call, token: session.accessToken });
  if (res.status !== 401) return res;
  await res.body?.cancel();
  let renewal = c.get('renewal');
  if (!renewal) {
    renewal = sessions.renew(c, session);
    c.set('renewal', renewal);
  }
  const renewed = await renewal;
  if (!renewed) throw new SignedOutError();
  c.set('session', renewed);
  const retried = await callGateway(deps, c, { ...call, token: renewed.accessToken });
  if (retried.status !== 401) return retried;
  await retried.body?.cancel();
  sessions.cookie.clear(c);
  throw new SignedOutError();
}
