import { connectionTokens, isHopByHop } from './hop-by-hop.ts';
import type { Transport } from './types.ts';

/**
 * A request that never got a response because the connection failed (refused, reset, DNS, timeout...).
 * `code` is the system or undici code (`ECONNREFUSED`, `UND_ERR_SOCKET`...) or `ETRANSPORT` when the runtime gives none.
 * @example if (err instanceof TransportError && err.code === 'ECONNREFUSED') ...
 */
export class TransportError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
  }
}

/** Content codings `fetch` decodes by itself (Fetch standard), leaving the header behind. */
const DECODED_CODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/** Statuses whose responses have no body; `new Response(body, { status })` rejects a body for them. */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/** The first error in the `cause` chain that carries a string `code` (Node's fetch hides it in `cause`). */
function codedError(err: unknown): (Error & { code: string }) | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (typeof (current as { code?: unknown }).code === 'string') return current as Error & { code: string };
    current = current.cause;
  }
  return undefined;
}

/** Whether a `Content-Encoding` value names only codings fetch already decoded. */
function decodedByFetch(encoding: string): boolean {
  for (const part of encoding.split(',')) {
    if (!DECODED_CODINGS.has(part.trim().toLowerCase())) return false;
  }
  return true;
}

/**
 * Copies a fetch response into one with mutable headers, without hop-by-hop headers, and without
 * `Content-Encoding`/`Content-Length` when fetch decoded the body (they would describe bytes nobody sends).
 */
function normalize(response: Response): Response {
  const source = response.headers;
  const listed = connectionTokens(source.get('connection'));
  const encoding = source.get('content-encoding');
  const decoded = encoding !== null && decodedByFetch(encoding);
  const headers = new Headers();
  for (const [name, value] of source) {
    if (isHopByHop(name, listed)) continue;
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    if (name === 'set-cookie') continue;
    headers.append(name, value);
  }
  for (const cookie of source.getSetCookie()) headers.append('set-cookie', cookie);
  return new Response(NULL_BODY_STATUSES.has(response.status) ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * The request as fetch should send it: redirects returned rather than followed, no hop-by-hop headers
 * (undici's fetch even throws on some). Copied only when something must change.
 */
function outgoing(request: Request): Request {
  const source = request.headers;
  const listed = connectionTokens(source.get('connection'));
  let dirty = false;
  for (const name of source.keys()) {
    if (isHopByHop(name, listed)) {
      dirty = true;
      break;
    }
  }
  if (!dirty) return request.redirect === 'manual' ? request : new Request(request, { redirect: 'manual' });
  const headers = new Headers();
  for (const [name, value] of source) {
    if (!isHopByHop(name, listed)) headers.append(name, value);
  }
  return new Request(request, { headers, redirect: 'manual' });
}

/**
 * The portable transport: the runtime's global `fetch` (Node, Deno, edge). Redirects are returned, not followed;
 * connection failures throw {@link TransportError}; aborts reject with the signal's reason.
 * @example const kb = httpClient('kb', 'http://kb:8000', fetchTransport);
 */
export const fetchTransport: Transport = async function fetchTransport(request) {
  let response: Response;
  try {
    response = await fetch(outgoing(request));
  } catch (err) {
    if (request.signal.aborted) throw request.signal.reason ?? err;
    const coded = codedError(err);
    const message = coded?.message ?? (err instanceof Error ? err.message : String(err));
    throw new TransportError(coded?.code ?? 'ETRANSPORT', `${request.method} ${request.url} failed: ${message}`, {
      cause: err,
    });
  }
  return normalize(response);
};
