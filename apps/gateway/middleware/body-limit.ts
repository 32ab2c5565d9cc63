import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../../lib/errors/api-error.ts';

const tooLarge = (maxBytes: number) =>
  new ApiError('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${maxBytes} bytes`, {
    details: { limitBytes: maxBytes },
  });

/**
 * Rejects bodies over `maxBytes` with a 413 envelope without buffering them: at once from `Content-Length`;
 * for chunked bodies the stream is counted as it flows and fails with the same error once it passes the limit
 * (the proxy then aborts the upstream request and answers 413).
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  return async function bodyLimit(c, next) {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && !c.req.header('transfer-encoding')) {
      if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
      return next();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    let seen = 0;
    let exceeded = false;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen <= maxBytes) return controller.enqueue(chunk);
          exceeded = true;
          controller.error(tooLarge(maxBytes));
        },
      }),
    );
    c.req.raw = new Request(c.req.raw, { body: counted, duplex: 'half' } as RequestInit);
    await next();
    // Whatever the service made of its truncated body, the caller's mistake is a 413.
    if (exceeded) {
      await c.res.body?.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
  };
}
