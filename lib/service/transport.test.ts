import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, type StreamingRequestInit } from './client.ts';
import { fetchTransport, TransportError } from './transport-fetch.ts';
import { createUndiciTransport, type UndiciTransport } from './transport-undici.ts';
import type { Transport } from './types.ts';
import { deferred, within } from '../testing/async.ts';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** Per-test hooks the server calls into. */
const hooks = {
  streamRelease: deferred(),
  bodyFirstChunk: deferred<string>(),
  closed: deferred<string>(),
};

function onClose(res: ServerResponse, name: string): void {
  res.on('close', () => {
    if (!res.writableFinished) hooks.closed.resolve(name);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://upstream');
  switch (url.pathname) {
    case '/echo/path': {
      const body = await readBody(req);
      res.writeHead(200, { 'content-type': 'application/json', 'x-hop': 'yes', connection: 'x-hop', 'set-cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      return;
    }
    case '/upload': {
      let first = true;
      let total = '';
      for await (const chunk of req) {
        if (first) hooks.bodyFirstChunk.resolve(String(chunk));
        first = false;
        total += String(chunk);
      }
      res.end(total);
      return;
    }
    case '/stream': {
      onClose(res, 'stream');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      await hooks.streamRelease.promise;
      if (!res.destroyed) res.end('data: two\n\n');
      return;
    }
    case '/hang':
      onClose(res, 'hang');
      return; // never answers
    case '/redirect':
      res.writeHead(302, { location: '/elsewhere' }).end();
      return;
    case '/weird-status':
      res.writeHead(600).end('?');
      return;
    case '/empty':
      res.writeHead(204).end();
      return;
    default:
      res.writeHead(404).end('nope');
  }
}

let server: Server;
let baseUrl: string;
let closedPort: number;
let undici: UndiciTransport;

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => res.destroy(err as Error));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  undici = createUndiciTransport({ keepAliveTimeoutMs: 1_000 });
});

afterAll(async () => {
  await undici.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const transports: [string, () => Transport][] = [
  ['fetch', () => fetchTransport],
  ['undici', () => undici],
];

describe('undici transport forward (no Request built)', () => {
  it('round-trips a plain outgoing request and aborts it through its signal', async () => {
    const res = await undici.forward({
      url: `${baseUrl}/echo/path?q=1`,
      method: 'POST',
      headers: new Headers({ 'content-type': 'text/plain', 'x-custom': 'abc' }),
      body: new Blob(['plain body']).stream(),
      signal: new AbortController().signal,
    });
    const echo = (await res.json()) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(echo).toMatchObject({ method: 'POST', url: '/echo/path?q=1', body: 'plain body' });
    expect(echo.headers['x-custom']).toBe('abc');

    hooks.closed = deferred<string>();
    const controller = new AbortController();
    const pending = undici.forward({
      url: `${baseUrl}/hang`,
      method: 'GET',
      headers: new Headers(),
      body: null,
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(await within(hooks.closed.promise, 5_000, 'server close')).toBe('hang');
  });
});

describe.each(transports)('httpClient over the %s transport', (_name, transport) => {
  const client = () => httpClient('kb', baseUrl, transport());

  it('round-trips method, path, query, headers and body; drops hop-by-hop response headers', async () => {
    const res = await client().fetch(
      new Request('http://gateway/echo/path?x=1&y=two', {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'x-custom': 'abc', connection: 'x-private', 'x-private': 'secret' },
        body: 'payload',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-hop')).toBeNull();
    expect(res.headers.get('connection')).toBeNull();
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const echo = (await res.json()) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(echo).toMatchObject({ method: 'PUT', url: '/echo/path?x=1&y=two', body: 'payload' });
    expect(echo.headers).toMatchObject({ 'content-type': 'text/plain', 'x-custom': 'abc' });
    expect(echo.headers['x-private']).toBeUndefined();
    expect(echo.headers.host).toBe(baseUrl.slice('http://'.length));
  });

  it('streams the request body (the server sees the first chunk before the body ends)', async () => {
    hooks.bodyFirstChunk = deferred<string>();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('first;'));
        await hooks.bodyFirstChunk.promise;
        controller.enqueue(encoder.encode('second'));
        controller.close();
      },
    });
    const init: StreamingRequestInit = { method: 'POST', body, duplex: 'half' };
    const res = await within(client().fetch(new Request('http://gateway/upload', init)), 5_000, 'upload response');
    expect(await res.text()).toBe('first;second');
  });

  it('streams the response body: the first event arrives before the server ends', async () => {
    hooks.streamRelease = deferred();
    const res = await client().fetch(new Request('http://gateway/stream'));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const first = await within(reader.read(), 5_000, 'first event');
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    hooks.streamRelease.resolve();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe('data: two\n\n');
  });

  it('aborting the signal before the response aborts the upstream request', async () => {
    hooks.closed = deferred<string>();
    const controller = new AbortController();
    const pending = client().fetch(new Request('http://gateway/hang', { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the request reach the server
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(await within(hooks.closed.promise, 5_000, 'server close')).toBe('hang');
  });

  it('aborting the signal mid-stream aborts the upstream request', async () => {
    hooks.closed = deferred<string>();
    hooks.streamRelease = deferred();
    const controller = new AbortController();
    const res = await client().fetch(new Request('http://gateway/stream', { signal: controller.signal }));
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    expect(await within(hooks.closed.promise, 5_000, 'server close')).toBe('stream');
    await expect(reader.read()).rejects.toBeDefined();
    hooks.streamRelease.resolve();
  });

  it('cancelling the response body aborts the upstream request', async () => {
    hooks.closed = deferred<string>();
    hooks.streamRelease = deferred();
    const res = await client().fetch(new Request('http://gateway/stream'));
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(await within(hooks.closed.promise, 5_000, 'server close')).toBe('stream');
    hooks.streamRelease.resolve();
  });

  it('returns redirects instead of following them, and empty bodies for 204 and HEAD', async () => {
    const redirect = await client().fetch(new Request('http://gateway/redirect'));
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/elsewhere');
    const empty = await client().fetch(new Request('http://gateway/empty'));
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const head = await client().fetch(new Request('http://gateway/echo/path', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('rejects (does not hang) on a status a Response cannot carry', async () => {
    await expect(within(client().fetch(new Request('http://gateway/weird-status')), 5_000, 'rejection')).rejects.toThrow(
      /status|600/i,
    );
  });

  it('a refused connection rejects with a coded TransportError', async () => {
    const down = httpClient('kb', `http://127.0.0.1:${closedPort}`, transport());
    const err = await down.fetch(new Request('http://gateway/x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expect((err as Error).message).toContain(`127.0.0.1:${closedPort}`);
  });
});
