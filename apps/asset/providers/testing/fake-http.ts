import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test support: a node:http server that records every request and answers through a protocol handler. */

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/mj/task/1/fetch`. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** `performance.now()` when the request arrived. */
  at: number;
  /** Resolves when the exchange ended: `finished` (answer sent) or `closed` (the client went away first). */
  ended: Promise<'finished' | 'closed'>;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  body?: Uint8Array | string;
  /** Wait this long before answering (a slow provider). */
  delayMs?: number;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface FakeServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** The next `times` requests whose path starts with `pathPrefix` get `reply` instead of the protocol's answer. */
  override(pathPrefix: string, reply: Reply, times?: number): void;
  /** Resolves with request number `index` (0-based) once it has arrived. */
  request(index: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/**
 * Starts a fake on a free port of 127.0.0.1.
 * @example const server = await startFakeServer(() => ({ json: { ok: true } }));
 */
export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const overrides: { pathPrefix: string; reply: Reply; left: number }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let ended!: (how: 'finished' | 'closed') => void;
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks),
      at: performance.now(),
      ended: new Promise((resolve) => {
        ended = resolve;
      }),
    };
    res.on('finish', () => ended('finished'));
    res.on('close', () => ended('closed'));
    requests.push(recorded);
    const override = overrides.find((o) => o.left > 0 && recorded.path.startsWith(o.pathPrefix));
    if (override) override.left--;
    const reply = override?.reply ?? (await handler(recorded));
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
    const type = reply.json !== undefined ? { 'content-type': 'application/json' } : {};
    res.writeHead(reply.status ?? 200, { ...type, ...reply.headers });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    override: (pathPrefix, reply, times = 1) => overrides.push({ pathPrefix, reply, left: times }),
    async request(index) {
      while (requests.length <= index) await new Promise((resolve) => setTimeout(resolve, 5));
      return requests[index]!;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A multipart/form-data body's text fields (enough for the fakes: no files are uploaded). */
export async function formFields(request: RecordedRequest): Promise<Record<string, string>> {
  const form = await new Response(new Uint8Array(request.body), { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
  return Object.fromEntries([...form.entries()].map(([key, value]) => [key, String(value)]));
}

/** The JSON body of a request. */
export const jsonBody = (request: RecordedRequest): Record<string, unknown> => JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
