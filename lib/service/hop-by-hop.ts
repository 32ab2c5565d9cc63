/**
 * Headers that describe one connection rather than the message (RFC 9110 §7.6.1), plus the `Proxy-*` family
 * meant for the proxy itself. A proxy or transport never forwards them.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

const HOP_BY_HOP = new Set(HOP_BY_HOP_HEADERS);
const NONE: readonly string[] = Object.freeze([]);

/**
 * The header names a `Connection` header value lists (they are hop-by-hop too), lower-cased.
 * @example connectionTokens('keep-alive, X-Trace') // ['keep-alive', 'x-trace']
 */
export function connectionTokens(value: string | null | undefined): readonly string[] {
  if (!value) return NONE;
  const tokens: string[] = [];
  for (const part of value.split(',')) {
    const token = part.trim().toLowerCase();
    if (token !== '' && token !== 'close') tokens.push(token);
  }
  return tokens;
}

/**
 * Whether `name` (lower-case) is hop-by-hop: a fixed one, any `proxy-*`, or one listed in `Connection` (`listed`).
 * @example isHopByHop('proxy-foo') // true
 */
export function isHopByHop(name: string, listed?: readonly string[]): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listed?.includes(name) === true;
}

/**
 * Deletes the hop-by-hop headers (fixed ones and those listed in `Connection`) from `headers` in place.
 * Returns false without touching `headers` when there is nothing to delete, so immutable headers only throw
 * when a change is really needed.
 * @example stripHopByHop(response.headers); // true when something was removed
 */
export function stripHopByHop(headers: Headers): boolean {
  const listed = connectionTokens(headers.get('connection'));
  let found = false;
  for (const name of HOP_BY_HOP_HEADERS) {
    if (headers.has(name)) {
      found = true;
      break;
    }
  }
  if (!found && !listed.some((name) => headers.has(name))) return false;
  for (const name of HOP_BY_HOP_HEADERS) headers.delete(name);
  for (const name of listed) headers.delete(name);
  return true;
}
