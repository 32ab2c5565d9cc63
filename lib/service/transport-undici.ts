import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { MtlsMaterial } from '../node/tls.ts';
import type { ForwardingTransport, OutgoingRequest } from './client.ts';
import { connectionTokens, isHopByHop } from './hop-by-hop.ts';
import { NULL_BODY_STATUSES, TransportError } from './transport-fetch.ts';

export interface UndiciTransportOptions {
  /**
   * Most connections per upstream origin. Default: unlimited, because every open SSE stream holds one;
   * a limit would queue every other request behind long-lived streams.
   */
  connections?: number;
  /** How long an idle keep-alive connection is kept. Default 4000 ms (below Node's 5 s server keep-alive). */
  keepAliveTimeoutMs?: number;
  /** How long to wait for response headers before failing with `UND_ERR_HEADERS_TIMEOUT`. Default 30000 ms. */
  headersTimeoutMs?: number;
  /**
   * mTLS (see `loadMtls`): present `cert`/`key` to https upstreams and trust only servers whose certificate
   * `ca` signed. Only the connection set-up changes; requests take the same path.
   */
  tls?: MtlsMaterial | undefined;
}

/**
 * A transport (also usable through `forward`, without a `Request`) that owns a connection pool;
 * `close()` waits for in-flight requests, then closes it.
 */
export type UndiciTransport = ForwardingTransport & { close(): Promise<void> };

/** Response bodies buffer at most 64 KiB before the socket is paused (backpressure), counted in bytes. */
const BODY_STRATEGY: QueuingStrategy<Uint8Array> = { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength };

const noop = () => {};

/** Request headers undici must not see: hop-by-hop ones, `Host` (set from the origin) and `Expect` (unsupported). */
function requestHeaders(headers: Headers): string[] {
  const listed = connectionTokens(headers.get('connection'));
  const flat: string[] = [];
  for (const [name, value] of headers) {
    if (name === 'host' || name === 'expect' || isHopByHop(name, listed)) continue;
    flat.push(name, value);
  }
  return flat;
}

function responseHeaders(raw: IncomingHttpHeaders): Headers {
  const connection = raw.connection;
  const listed = connectionTokens(typeof connection === 'string' ? connection : undefined);
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined || isHopByHop(name, listed)) continue;
    if (typeof value === 'string') headers.append(name, value);
    else for (const item of value) headers.append(name, item);
  }
  return headers;
}

/** The request body as an async iterable undici writes from, cancellable by us when the exchange ends early. */
class RequestBody implements AsyncIterableIterator<Uint8Array> {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    const result = await this.#reader.read();
    if (result.done) {
      this.#done = true;
      return { done: true, value: undefined };
    }
    return result;
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.cancel(undefined);
    return { done: true, value: undefined };
  }

  /** Stops reading the caller's body stream (the exchange failed or the response ended before the upload). */
  cancel(reason: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#reader.cancel(reason).catch(noop);
  }
}

/**
 * One request/response exchange: undici dispatch handler, underlying source of the response body stream and
 * abort listener at once, so a request allocates no closures. Chunks go straight from the parser into the web
 * stream; the socket is paused when 64 KiB are queued and resumed on `pull`.
 */
class Exchange implements Dispatcher.DispatchHandler, UnderlyingDefaultSource<Uint8Array>, EventListenerObject {
  /** Also keeps a `Request` alive while we stream: its signal only follows its creator's while it is reachable. */
  readonly #request: OutgoingRequest;
  readonly #body: RequestBody | null;
  readonly #resolve: (response: Response) => void;
  readonly #reject: (reason: unknown) => void;
  #controller: Dispatcher.DispatchController | null = null;
  #stream: ReadableStreamDefaultController<Uint8Array> | null = null;
  #pendingAbort: Error | null = null;
  /** The promise has been resolved or rejected. */
  #settled = false;
  /** Nothing more will flow: response ended, failed, was cancelled or aborted. */
  #finished = false;

  constructor(
    request: OutgoingRequest,
    body: RequestBody | null,
    resolve: (response: Response) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#request = request;
    this.#body = body;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** The request's signal aborted. */
  handleEvent(): void {
    const signalReason: unknown = this.#request.signal.reason;
    const reason =
      signalReason instanceof Error ? signalReason : new DOMException(String(signalReason ?? 'The operation was aborted.'), 'AbortError');
    const stream = this.#stream;
    const wasFinished = this.#finished;
    this.#finish(reason);
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(reason);
    } else if (!wasFinished && stream !== null) {
      stream.error(reason);
    }
    this.#abortUpstream(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#pendingAbort !== null) controller.abort(this.#pendingAbort);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (statusCode < 200 || this.#settled) return; // 1xx informational; or already aborted
    const empty = this.#request.method === 'HEAD' || NULL_BODY_STATUSES.has(statusCode);
    const body = empty ? null : new ReadableStream<Uint8Array>(this, BODY_STRATEGY);
    // Built before settling: if it throws (a status outside 200-599), undici reports it through onResponseError.
    const response = new Response(body, { status: statusCode, statusText: statusMessage ?? '', headers: responseHeaders(headers) });
    this.#settled = true;
    this.#resolve(response);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const stream = this.#stream;
    // Empty chunks must not pause: llhttp would redeliver the same empty span forever.
    if (stream === null || this.#finished || chunk.length === 0) return;
    stream.enqueue(chunk);
    if ((stream.desiredSize ?? 1) <= 0) controller.pause();
  }

  onResponseEnd(): void {
    if (this.#finished) return;
    this.#finish(undefined);
    this.#stream?.close();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#finished) return;
    this.#finish(error);
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(this.#transportError(error));
    } else {
      this.#stream?.error(error);
    }
  }

  // Underlying source of the response body.

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#stream = controller;
  }

  pull(): void {
    this.#controller?.resume();
  }

  cancel(reason: unknown): void {
    if (this.#finished) return;
    const error = reason instanceof Error ? reason : new DOMException('The response body was cancelled.', 'AbortError');
    this.#finish(error);
    this.#abortUpstream(error);
  }

  #abortUpstream(reason: Error): void {
    if (this.#controller !== null) this.#controller.abort(reason);
    else this.#pendingAbort = reason;
  }

  #finish(reason: unknown): void {
    this.#finished = true;
    this.#request.signal.removeEventListener('abort', this);
    this.#body?.cancel(reason);
  }

  #transportError(error: Error): TransportError {
    const code = (error as { code?: unknown }).code;
    return new TransportError(
      typeof code === 'string' ? code : 'ETRANSPORT',
      `${this.#request.method} ${this.#request.url} failed: ${error.message}`,
      { cause: error },
    );
  }
}

/**
 * The fast Node transport: an undici keep-alive `Agent` driven through `dispatch()` (not `undici.fetch`);
 * `forward()` takes a plain {@link OutgoingRequest}, sparing the caller a `Request`.
 * Request bodies stream from the web `ReadableStream`; the response body is a web stream fed chunk by chunk
 * (SSE passes event by event) with backpressure; aborting the request's signal or cancelling the response body
 * aborts the upstream request; connection failures reject with a coded {@link TransportError}.
 * @example
 * const transport = createUndiciTransport();
 * const chat = httpClient('chat', 'http://chat:8000', transport);
 * // on shutdown: await transport.close();
 * const mtls = createUndiciTransport({ tls: await loadMtls(config) }); // mTLS: presents this service's cert
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  const agent = new Agent({
    connections: options.connections ?? null,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    bodyTimeout: 0, // SSE streams may stay quiet for long; the caller's signal bounds them instead
    ...(options.tls
      ? { connect: { ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key, rejectUnauthorized: true, minVersion: 'TLSv1.2' as const } }
      : {}),
  });

  const send = (request: OutgoingRequest): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const signal = request.signal;
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const url = request.url;
      const pathStart = url.indexOf('/', url.indexOf('//') + 2);
      const hash = pathStart === -1 ? -1 : url.indexOf('#', pathStart);
      const options: Dispatcher.DispatchOptions = {
        origin: pathStart === -1 ? url : url.slice(0, pathStart),
        path: pathStart === -1 ? '/' : hash === -1 ? url.slice(pathStart) : url.slice(pathStart, hash),
        method: request.method,
        headers: requestHeaders(request.headers),
      };
      const body = request.body === null ? null : new RequestBody(request.body);
      // undici documents async iterables as request bodies; its typings only list Readable.
      options.body = body as unknown as Readable | null;
      const exchange = new Exchange(request, body, resolve, reject);
      signal.addEventListener('abort', exchange);
      agent.dispatch(options, exchange);
    });

  const transport = (request: Request): Promise<Response> => send(request);
  return Object.assign(transport, { forward: send, close: () => agent.close() });
}
