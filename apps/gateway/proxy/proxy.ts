import type { Context, Handler } from 'hono';
import { ApiError } from '../../../lib/errors/api-error.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import {
  type ForwardingClient,
  IN_PROCESS_TARGET,
  inProcessOrigin,
  type OutgoingRequest,
  pathAndQuery,
  type StreamingRequestInit,
} from '../../../lib/service/client.ts';
import { connectionTokens, isHopByHop, stripHopByHop } from '../../../lib/service/hop-by-hop.ts';
import type { ServiceClient } from '../../../lib/service/types.ts';
import type { GatewayEnv } from '../env.ts';

export interface ProxyOptions {
  /** Longest wait for the upstream's response headers; the body (an SSE stream, say) may then last as long as it likes. */
  timeoutMs: number;
  /** Receives one line per failed exchange (timeout, unavailable service); nothing is logged on success. */
  logger: Logger;
  /** Extra upstream headers, set last so they override the caller's (e.g. a signed identity token). */
  headers?: (c: Context<GatewayEnv>) => Record<string, string>;
  /**
   * Keep the caller's `X-Forwarded-*`/`Forwarded` headers and append to `X-Forwarded-For`: only behind a proxy
   * that sets them (Fly's edge does). Default false: they are replaced by what the gateway itself saw.
   */
  trustForwardedHeaders?: boolean;
}

/** Request headers never forwarded besides the hop-by-hop ones: the body is re-streamed, the target sets `Host`. */
const NOT_FORWARDED = new Set(['host', 'content-length', 'expect']);
const FORWARDED = new Set(['forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);
const EVENT_STREAM = /^\s*text\/event-stream/i;
/** Status the access log shows when the caller went away before the upstream answered (nginx's convention). */
const CLIENT_CLOSED_REQUEST = 499;

// Where one exchange stands.
const PENDING = 0;
const RESPONDED = 1;
const TIMED_OUT = 2;
const CLIENT_CLOSED = 3;

const noop = () => {};
const round = (ms: number) => Math.round(ms * 100) / 100;

/** The caller's address: `@hono/node-server` passes `{ incoming }` as env, `Deno.serve` passes `{ remoteAddr }`. */
function remoteAddress(env: unknown): string | undefined {
  if (typeof env !== 'object' || env === null) return undefined;
  const node = (env as { incoming?: { socket?: { remoteAddress?: unknown } } }).incoming?.socket?.remoteAddress;
  if (typeof node === 'string') return node;
  const deno = (env as { remoteAddr?: { hostname?: unknown } }).remoteAddr?.hostname;
  return typeof deno === 'string' ? deno : undefined;
}

function upstreamHeaders(c: Context<GatewayEnv>, incoming: Request, options: ProxyOptions): Headers {
  const source = incoming.headers;
  const trust = options.trustForwardedHeaders === true;
  const listed = connectionTokens(source.get('connection'));
  const headers = new Headers();
  for (const [name, value] of source) {
    if (NOT_FORWARDED.has(name) || isHopByHop(name, listed) || (!trust && FORWARDED.has(name))) continue;
    headers.append(name, value);
  }

  const url = incoming.url;
  const client = remoteAddress(c.env);
  const priorFor = trust ? source.get('x-forwarded-for') : null;
  const forwardedFor = priorFor && client ? `${priorFor}, ${client}` : (client ?? priorFor);
  if (forwardedFor) headers.set('x-forwarded-for', forwardedFor);
  if (!trust || !headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', url.slice(0, url.indexOf(':')));
  if (!trust || !headers.has('x-forwarded-host')) headers.set('x-forwarded-host', source.get('host') ?? new URL(url).host);

  const requestId = c.var.requestId;
  if (requestId) headers.set('x-request-id', requestId);
  if (options.headers) {
    const extra = options.headers(c);
    for (const name in extra) headers.set(name, extra[name] as string);
  }
  return headers;
}

function toRequest(outgoing: OutgoingRequest): Request {
  const init: StreamingRequestInit = {
    method: outgoing.method,
    headers: outgoing.headers,
    body: outgoing.body,
    signal: outgoing.signal,
    redirect: 'manual',
    duplex: 'half',
  };
  return new Request(outgoing.url, init);
}

/** Drops hop-by-hop headers; keeps SSE unbuffered (`X-Accel-Buffering: no`) and uncached. Mutates in place. */
function prepareHeaders(headers: Headers): void {
  // Also the mutability probe: deleting from immutable headers throws even when the header is absent.
  headers.delete('keep-alive');
  stripHopByHop(headers);
  const type = headers.get('content-type');
  if (type !== null && EVENT_STREAM.test(type)) {
    if (!headers.has('x-accel-buffering')) headers.set('x-accel-buffering', 'no');
    if (!headers.has('cache-control')) headers.set('cache-control', 'no-cache');
  }
}

/** The upstream response as the gateway returns it: status and streamed body untouched, headers prepared. */
function downstream(response: Response): Response | Promise<Response> {
  try {
    prepareHeaders(response.headers);
    return isSmallFixed(response) ? materialize(response) : response;
  } catch {
    // Immutable headers (a Response straight from fetch): copy them, keep the body stream.
    const headers = new Headers(response.headers);
    prepareHeaders(headers);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/** Bodies up to this size with a declared length are read whole before answering (see {@link materialize}). */
const SMALL_BODY_BYTES = 16 * 1024;

/** A small body of declared length, not an event stream: it arrives in one piece anyway. */
function isSmallFixed(response: Response): boolean {
  const length = response.headers.get('content-length');
  if (length === null || Number(length) > SMALL_BODY_BYTES) return false;
  const type = response.headers.get('content-type');
  return type === null || !EVENT_STREAM.test(type);
}

/**
 * The same response with its (small, fixed-size) body read into memory. A byte body lets @hono/node-server write
 * headers and body in one go instead of pumping a stream (measured: most of the proxy's cost for small JSON).
 * Streams of unknown length (SSE, chunked) are never read here.
 */
async function materialize(response: Response): Promise<Response> {
  const body = new Uint8Array(await response.arrayBuffer());
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The signal's reason as an Error (@hono/node-server aborts with a string). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(String(reason ?? 'The client went away'), 'AbortError');
}

/** An `ApiError` somewhere in the cause chain: our body-limit stream fails the upstream request with one (413). */
function apiErrorIn(err: unknown): ApiError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ApiError) return e;
  }
  return undefined;
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A handler that forwards the request to `client`: same method, path and query; hop-by-hop headers dropped,
 * `X-Request-Id` and `X-Forwarded-For/Proto/Host` added; body streamed both ways, never buffered.
 * The upstream request is aborted when the caller disconnects, or when no response headers arrive within
 * `timeoutMs` (→ 504 `GATEWAY_TIMEOUT`); a connection failure → 503 `SERVICE_UNAVAILABLE`.
 * Sets `c.var.upstreamMs` (time to response headers).
 * @example app.all('/api/v1/chat/*', proxyTo(services.chat, { timeoutMs: 30_000, logger }));
 */
export function proxyTo(client: ServiceClient, options: ProxyOptions): Handler<GatewayEnv> {
  const { timeoutMs, logger } = options;
  // Address requests the way the client expects them, so it can pass them on without another copy.
  const base = client.target === IN_PROCESS_TARGET ? inProcessOrigin(client.name) : client.target;
  const timeoutMessage = `Service ${client.name} did not respond within ${timeoutMs} ms`;
  const unavailableMessage = `Service ${client.name} unavailable`;
  // The fast path skips building a Request (~15 µs on Node 20) when the client's transport allows it.
  const forward = (client as ForwardingClient).forward?.bind(client);
  const send = forward ?? ((request: OutgoingRequest) => client.fetch(toRequest(request)));

  return async function proxy(c) {
    const incoming = c.req.raw;
    const clientSignal = incoming.signal;
    if (clientSignal.aborted) return new Response(null, { status: CLIENT_CLOSED_REQUEST });

    const method = incoming.method;
    const upstream = new AbortController();
    const outgoing: OutgoingRequest = {
      url: base + pathAndQuery(incoming.url),
      method,
      headers: upstreamHeaders(c, incoming, options),
      // Touch the body only when there can be one: on Node it materialises the full Request.
      body: method === 'GET' || method === 'HEAD' ? null : incoming.body,
      signal: upstream.signal,
    };

    const start = performance.now();
    let state = PENDING;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let response: Response;
    try {
      response = await new Promise<Response>((resolve, reject) => {
        clientSignal.addEventListener(
          'abort',
          () => {
            const reason = abortReason(clientSignal);
            if (state === PENDING) {
              state = CLIENT_CLOSED;
              upstream.abort(reason);
              reject(reason);
            } else if (state === RESPONDED) {
              // Mid-stream: the server is cancelling the body we returned, which already ends a streaming upstream
              // cleanly. Abort the signal just after (for upstreams that watch it, e.g. in-process apps) so the body
              // is not errored first: @hono/node-server would log every disconnect as an error.
              setTimeout(() => upstream.abort(reason), 0);
            }
          },
          { once: true },
        );
        timer = setTimeout(() => {
          if (state !== PENDING) return;
          state = TIMED_OUT;
          const reason = new DOMException(timeoutMessage, 'TimeoutError');
          upstream.abort(reason);
          reject(reason);
        }, timeoutMs);
        // Racing (not just aborting) covers clients that ignore the signal, e.g. an in-process app.
        send(outgoing).then(
          (res) => {
            if (state === PENDING) {
              state = RESPONDED;
              resolve(res);
            } else {
              res.body?.cancel().catch(noop); // too late: nobody will read it
            }
          },
          (err: unknown) => {
            if (state === PENDING) reject(err);
          },
        );
      });
    } catch (err) {
      if (state === TIMED_OUT) {
        logger.warn('upstream timeout', { service: client.name, target: client.target, requestId: c.var.requestId, timeoutMs });
        throw new ApiError('GATEWAY_TIMEOUT', timeoutMessage, { cause: err });
      }
      if (state === CLIENT_CLOSED) return new Response(null, { status: CLIENT_CLOSED_REQUEST });
      const ours = apiErrorIn(err);
      if (ours) throw ours;
      logger.warn('upstream unavailable', {
        service: client.name,
        target: client.target,
        requestId: c.var.requestId,
        code: errorCode(err),
        err,
      });
      throw new ApiError('SERVICE_UNAVAILABLE', unavailableMessage, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    c.set('upstreamMs', round(performance.now() - start));
    return downstream(response);
  };
}
