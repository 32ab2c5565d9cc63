import type { MiddlewareHandler } from 'hono';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestIdOptions {
  header?: string;
  generate?: () => string;
}

/**
 * Sets `c.var.requestId` and the response header: an incoming `X-Request-Id` is honoured when it is a safe token
 * (letters, digits, `._:-`, at most 128 characters); otherwise a UUID is generated.
 * @example app.use(requestId());
 */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler {
  const header = options.header ?? 'X-Request-Id';
  const generate = options.generate ?? (() => crypto.randomUUID());
  return async function requestId(c, next) {
    const incoming = c.req.header(header);
    const id = incoming && SAFE_ID.test(incoming) ? incoming : generate();
    c.set('requestId' as never, id as never);
    await next();
    c.res.headers.set(header, id);
  };
}
