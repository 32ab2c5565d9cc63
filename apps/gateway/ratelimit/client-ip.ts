/** The caller's socket address: `@hono/node-server` passes `{ incoming }` as env, `Deno.serve` passes `{ remoteAddr }`. */
function socketAddress(env: unknown): string | undefined {
  if (typeof env !== 'object' || env === null) return undefined;
  const node = (env as { incoming?: { socket?: { remoteAddress?: unknown } } }).incoming?.socket?.remoteAddress;
  if (typeof node === 'string') return node;
  const deno = (env as { remoteAddr?: { hostname?: unknown } }).remoteAddr?.hostname;
  return typeof deno === 'string' ? deno : undefined;
}

/** What an address looks like: IPv4, IPv6 (possibly IPv4-mapped), nothing else. */
const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The client's IP for rate limiting. From the connection unless `trustProxy` (only behind a proxy that sets these
 * headers, e.g. Fly's edge): then `Fly-Client-IP`, else the first `X-Forwarded-For` hop, else the connection.
 * `unknown` when there is none (an in-process caller).
 * @example clientIp(c.env, c.req.raw.headers, options.trustProxy)
 */
export function clientIp(env: unknown, headers: Headers, trustProxy: boolean): string {
  if (trustProxy) {
    const fly = headers.get('fly-client-ip')?.trim();
    if (fly && ADDRESS.test(fly)) return fly;
    const first = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (first && ADDRESS.test(first)) return first;
  }
  return socketAddress(env) ?? 'unknown';
}
