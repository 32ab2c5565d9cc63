import type { Context } from 'hono';
import type { AppEnv } from '../../../lib/http/env.ts';
import type { GatewayClient, WebDeps } from '../deps.ts';

export interface GatewayCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query on the gateway, e.g. `/api/v1/conversations`. */
  path: string;
  /** The signed-in user's access token, sent as `Authorization: Bearer`. */
  token?: string;
  /** A JSON body. */
  json?: unknown;
  accept?: string;
  signal?: AbortSignal;
}

/**
 * One request to the gateway's public API, carrying the page request's id.
 * @example const res = await callGateway(deps, c, { path: '/api/v1/models', token: session.accessToken });
 */
export function callGateway<E extends AppEnv>(deps: Pick<WebDeps, 'gateway'>, c: Context<E>, call: GatewayCall): Promise<Response> {
  const headers = new Headers({ accept: call.accept ?? 'application/json' });
  const requestId = c.get('requestId');
  if (requestId) headers.set('x-request-id', requestId);
  if (call.token) headers.set('authorization', `Bearer ${call.token}`);
  if (call.json !== undefined) headers.set('content-type', 'application/json');
  const client = browserOf(c.env);
  return deps.gateway(
    new Request(`http://gateway${call.path}`, {
      method: call.method ?? 'GET',
      headers,
      ...(call.json !== undefined ? { body: JSON.stringify(call.json) } : {}),
      signal: call.signal ?? AbortSignal.timeout(15_000),
    }),
    ...(client ? [client] : []),
  );
}

/** The browser's address from the web server's env (`@hono/node-server`'s socket, or `Deno.serve`'s `remoteAddr`). */
export function browserOf(env: unknown): GatewayClient | undefined {
  if (!env || typeof env !== 'object') return undefined;
  const node = (env as { incoming?: { socket?: { remoteAddress?: unknown } } }).incoming?.socket?.remoteAddress;
  const deno = (env as { remoteAddr?: { hostname?: unknown } }).remoteAddr?.hostname;
  const address = typeof node === 'string' ? node : typeof deno === 'string' ? deno : undefined;
  return address ? { incoming: { socket: { remoteAddress: address } } } : undefined;
}

/**
 * A gateway path with each segment of `path` URL-encoded (slashes kept), for the KB's `{path}` routes.
 * @example documentPath('/api/v1/kb/documents', 'users/42/my notes.md') // '/api/v1/kb/documents/users/42/my%20notes.md'
 */
export function documentPath(prefix: string, path: string): string {
  return `${prefix}/${path.split('/').map(encodeURIComponent).join('/')}`;
}
