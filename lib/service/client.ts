import { normalizeBaseUrl } from './discovery.ts';
import { fetchTransport } from './transport-fetch.ts';
import type { ServiceClient, ServiceName, Transport } from './types.ts';

/** `RequestInit` with a streamed body: Node and Deno require `duplex: 'half'` (missing from the DOM typings). */
export type StreamingRequestInit = RequestInit & { duplex: 'half' };

/**
 * What a transport reads from a request. A `Request` has all of it; a plain object is much cheaper to make
 * (a `new Request` costs ~15 µs on Node 20), which matters on the gateway's hot path.
 */
export interface OutgoingRequest {
  /** Absolute URL, already addressed to the service. */
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
  readonly signal: AbortSignal;
}

/** A transport that can also send an {@link OutgoingRequest} directly, without a `Request` being built. */
export type ForwardingTransport = Transport & { forward(request: OutgoingRequest): Promise<Response> };

/**
 * A service client with the optional fast path: `forward` sends an {@link OutgoingRequest} whose URL already
 * starts with `target` (redirects are never followed). Only HTTP clients over a forwarding transport have it.
 */
export type ForwardingClient = ServiceClient & { forward?: (request: OutgoingRequest) => Promise<Response> };

/** `target` of clients that call the app in the same process. */
export const IN_PROCESS_TARGET = 'in-process';

/**
 * The origin in-process requests are addressed to, so apps see a sane URL: `http://<name>.internal`.
 * @example inProcessOrigin('kb') // 'http://kb.internal'
 */
export function inProcessOrigin(name: ServiceName): string {
  return `http://${name}.internal`;
}

/**
 * The path and query of an absolute URL (`/` when it has no path), without fragment. String slicing, no URL parse.
 * @example pathAndQuery('http://gw:8666/api/chat?x=1#top') // '/api/chat?x=1'
 */
export function pathAndQuery(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const hash = url.indexOf('#', start);
  return hash === -1 ? url.slice(start) : url.slice(start, hash);
}

/** Whether `url` is already addressed to `base` (same origin and base path). */
function addressedTo(url: string, base: string): boolean {
  if (!url.startsWith(base)) return false;
  const next = url.charCodeAt(base.length);
  return next === 47 /* / */ || next === 63 /* ? */ || Number.isNaN(next);
}

/**
 * The same request addressed to `base`: method, headers, streamed body, signal kept; redirects not followed.
 * A request already addressed to `base` is returned unchanged (no copy on the hot path).
 */
function retarget(request: Request, base: string): Request {
  if (addressedTo(request.url, base)) return request;
  const init: StreamingRequestInit = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    redirect: 'manual',
    duplex: 'half',
  };
  return new Request(base + pathAndQuery(request.url), init);
}

/**
 * A client for an app running in this process (`app.fetch`): no network, same semantics.
 * Requests are re-addressed to {@link inProcessOrigin} so the app sees `http://<name>.internal/<path>`.
 * @example const kb = inProcessClient('kb', kbApp.fetch);
 */
export function inProcessClient(
  name: ServiceName,
  fetch: (request: Request) => Response | Promise<Response>,
): ServiceClient {
  const origin = inProcessOrigin(name);
  return {
    name,
    target: IN_PROCESS_TARGET,
    fetch: async (request) => fetch(retarget(request, origin)),
  };
}

/**
 * A client for a service reached over HTTP at `baseUrl` (see `serviceUrl`), through `transport`
 * (default: the portable {@link fetchTransport}; on Node prefer `createUndiciTransport()`).
 * @example const chat = httpClient('chat', serviceUrl('chat', { mode: 'compose' }), undici);
 */
export function httpClient(name: ServiceName, baseUrl: string, transport: Transport = fetchTransport): ForwardingClient {
  const base = normalizeBaseUrl(baseUrl, name);
  const client: ForwardingClient = {
    name,
    target: base,
    fetch: (request) => transport(retarget(request, base)),
  };
  const forward = (transport as Partial<ForwardingTransport>).forward;
  if (forward) client.forward = forward;
  return client;
}
