import { describe, expect, it } from 'vitest';
import {
  httpClient,
  IN_PROCESS_TARGET,
  inProcessClient,
  type OutgoingRequest,
  pathAndQuery,
  type StreamingRequestInit,
} from './client.ts';
import { connectionTokens, isHopByHop, stripHopByHop } from './hop-by-hop.ts';
import type { Transport } from './types.ts';

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

describe('pathAndQuery', () => {
  it('keeps path and query, drops origin and fragment', () => {
    expect(pathAndQuery('http://gw:8666/api/chat?x=1&y=2#top')).toBe('/api/chat?x=1&y=2');
    expect(pathAndQuery('https://gw/')).toBe('/');
    expect(pathAndQuery('http://gw')).toBe('/');
  });
});

describe('inProcessClient', () => {
  it('re-addresses the request to http://<name>.internal, keeping method, path, query, headers, body and signal', async () => {
    let seen: Request | undefined;
    const kb = inProcessClient('kb', async (request) => {
      seen = request;
      return new Response(`got ${await request.text()}`, { status: 201 });
    });
    expect(kb).toMatchObject({ name: 'kb', target: IN_PROCESS_TARGET });
    const controller = new AbortController();
    const init: StreamingRequestInit = {
      method: 'POST',
      headers: { 'x-test': 'yes', 'content-type': 'text/plain' },
      body: streamOf('hel', 'lo'),
      signal: controller.signal,
      duplex: 'half',
    };
    const res = await kb.fetch(new Request('http://gateway:8666/api/v1/kb/docs?limit=2', init));
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('got hello');
    expect(seen?.url).toBe('http://kb.internal/api/v1/kb/docs?limit=2');
    expect(seen?.method).toBe('POST');
    expect(seen?.headers.get('x-test')).toBe('yes');
    const aborted = new Promise((resolve) => seen?.signal.addEventListener('abort', resolve));
    controller.abort();
    await aborted;
  });

  it('passes a request already addressed to the service through unchanged', async () => {
    let seen: Request | undefined;
    const kb = inProcessClient('kb', (request) => {
      seen = request;
      return new Response('ok');
    });
    const request = new Request('http://kb.internal/health');
    await kb.fetch(request);
    expect(seen).toBe(request);
  });

  it('turns a synchronous throw of the app into a rejection', async () => {
    const kb = inProcessClient('kb', () => {
      throw new Error('boom');
    });
    await expect(kb.fetch(new Request('http://x/'))).rejects.toThrow('boom');
  });
});

describe('httpClient', () => {
  it('sends the request to the base URL (path prefix kept) through the transport', async () => {
    const seen: string[] = [];
    const transport: Transport = async (request) => {
      seen.push(`${request.method} ${request.url} ${request.redirect}`);
      return new Response(null, { status: 204 });
    };
    const chat = httpClient('chat', 'http://chat:8000/prefix/', transport);
    expect(chat).toMatchObject({ name: 'chat', target: 'http://chat:8000/prefix' });
    await chat.fetch(new Request('http://gateway/api/v1/chat?q=1', { method: 'DELETE' }));
    expect(seen).toEqual(['DELETE http://chat:8000/prefix/api/v1/chat?q=1 manual']);
  });

  it('exposes the forward fast path only when the transport has one', async () => {
    const plain: Transport = async () => new Response('plain');
    expect(httpClient('chat', 'http://chat:8000', plain).forward).toBeUndefined();
    const seen: string[] = [];
    const forwarding = Object.assign(plain, {
      forward: async (request: OutgoingRequest) => {
        seen.push(`${request.method} ${request.url}`);
        return new Response('fast');
      },
    });
    const chat = httpClient('chat', 'http://chat:8000', forwarding);
    const res = await chat.forward?.({
      url: 'http://chat:8000/x',
      method: 'GET',
      headers: new Headers(),
      body: null,
      signal: new AbortController().signal,
    });
    expect(await res?.text()).toBe('fast');
    expect(seen).toEqual(['GET http://chat:8000/x']);
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => httpClient('chat', 'file:///etc/passwd')).toThrow(/Invalid URL for chat/);
  });
});

describe('hop-by-hop headers', () => {
  it('recognises fixed, proxy-* and Connection-listed headers', () => {
    expect(connectionTokens('keep-alive, X-Trace , close')).toEqual(['keep-alive', 'x-trace']);
    expect(isHopByHop('transfer-encoding')).toBe(true);
    expect(isHopByHop('proxy-anything')).toBe(true);
    expect(isHopByHop('x-trace', ['x-trace'])).toBe(true);
    expect(isHopByHop('content-type')).toBe(false);
  });

  it('strips them in place and reports whether anything changed', () => {
    const headers = new Headers({ connection: 'x-trace', 'x-trace': '1', te: 'trailers', 'content-type': 'text/plain' });
    expect(stripHopByHop(headers)).toBe(true);
    expect([...headers.keys()]).toEqual(['content-type']);
    expect(stripHopByHop(headers)).toBe(false);
  });
});
