import type { MiddlewareHandler } from 'hono';
import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { pathAndQuery } from '../../../lib/service/client.ts';
import { subscribeLive } from '../../../lib/kv/live-subscription.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';
import type { GatewayEnv } from '../env.ts';
import { serviceForPath } from '../routes/proxy-table.ts';
import { cacheability, ifNoneMatches } from './cache-control.ts';
import { base64ToBytes, bytesToBase64, readAtMost, sha256 } from './bytes.ts';
import { CACHE_INVALIDATE_CHANNEL, parseCacheTags, TagVersions } from './tags.ts';

export interface ResponseCacheOptions {
  kv: Kv;
  logger: Logger;
  /** Largest body stored. Default 256 KiB. */
  maxBodyBytes?: number;
  /** Longest time an entry is kept, whatever `max-age` says. Default 24 h. */
  maxTtlS?: number;
  /**
   * How long a URL whose 200 response was not cacheable is not looked up again (per scope: anonymous or
   * authenticated), so routes that never opt in cost no KV round trip. Default 60 s.
   */
  uncacheableMemoMs?: number;
  now?: () => number;
}

/** A stored response. */
interface Entry {
  /** Headers to replay (name, value). */
  h: [string, string][];
  /** Body, base64. */
  b: string;
  /** Our ETag. */
  e: string;
  /** Tag → version when stored. */
  t: Record<string, number>;
  /** Stored at (ms since the epoch). */
  at: number;
}

/** Response headers never stored: per-request, per-hop, or set by the gateway itself on every response. */
const NOT_STORED = new Set([
  'age',
  'connection',
  'content-length',
  'date',
  'etag',
  'keep-alive',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'server-timing',
  'set-cookie',
  'transfer-encoding',
  'x-cache',
  'x-cache-tags',
  'x-request-id',
]);
/** `Vary` values the cache may ignore: the gateway never varies bodies on them. */
const HARMLESS_VARY = new Set(['accept-encoding', 'origin']);
const EVENT_STREAM = /^\s*text\/event-stream/i;

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const base64url = (bytes: Uint8Array) => bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

function variesOnlyHarmlessly(vary: string | null): boolean {
  if (!vary) return true;
  return vary.split(',').every((name) => HARMLESS_VARY.has(name.trim().toLowerCase()));
}

function parseEntry(raw: string): Entry | undefined {
  try {
    const entry = JSON.parse(raw) as Entry;
    if (!Array.isArray(entry.h) || typeof entry.b !== 'string' || typeof entry.e !== 'string' || typeof entry.at !== 'number') return undefined;
    return entry;
  } catch {
    return undefined;
  }
}

function sameVersions(stored: Record<string, number>, current: Record<string, number>): boolean {
  for (const tag in stored) if (stored[tag] !== current[tag]) return false;
  return true;
}

/**
 * Caches GET responses of the services that opt in with `Cache-Control: public|private, max-age=N`, in the KV
 * (status 200, body ≤ 256 KiB, never SSE, never with `Set-Cookie` or a `Vary` on request headers). Public entries
 * are shared by anonymous callers only; `private` ones are kept per user and served to that user only; a response to
 * a request with credentials is stored only when `private`. Every cacheable response gets an `ETag` (SHA-256 of the
 * body) and `If-None-Match` gets a 304; eligible requests are marked `X-Cache: HIT|MISS`.
 *
 * Invalidation is by tag: a service lists tags in `X-Cache-Tags` and calls `invalidateCacheTags`, which bumps each
 * tag's version in the KV and publishes on {@link CACHE_INVALIDATE_CHANNEL}; every gateway keeps the versions in
 * memory from those messages, and an entry stored under an older version is a miss.
 * @example app.use(responseCache({ kv: deps.kv, logger }));
 */
export function responseCache(options: ResponseCacheOptions): MiddlewareHandler<GatewayEnv> {
  const { kv, logger } = options;
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const maxTtlS = options.maxTtlS ?? 24 * 3600;
  const uncacheableMemoMs = options.uncacheableMemoMs ?? 60_000;
  const uncacheable = new TtlCache<string, true>(10_000, now);
  const versions = new TagVersions({ kv, logger, now });
  subscribeLive({ kv, channel: CACHE_INVALIDATE_CHANNEL, logger, onMessage: (message) => versions.apply(message), onGap: () => versions.forget() });

  const replay = (entry: Entry, status: 200 | 304): Response => {
    const headers = new Headers(status === 200 ? entry.h : entry.h.filter(([name]) => name === 'cache-control' || name === 'vary'));
    headers.set('etag', entry.e);
    headers.set('age', String(Math.max(0, Math.floor((now() - entry.at) / 1000))));
    headers.set('x-cache', 'HIT');
    return new Response(status === 200 ? base64ToBytes(entry.b) : null, { status, headers });
  };

  const lookup = async (key: string): Promise<Entry | undefined> => {
    const raw = await kv.get(key);
    const entry = raw === null ? undefined : parseEntry(raw);
    if (!entry) return undefined;
    return sameVersions(entry.t, await versions.of(Object.keys(entry.t))) ? entry : undefined;
  };

  return async function responseCache(c, next) {
    const request = c.req.raw;
    if (request.method !== 'GET' || serviceForPath(c.req.path) === undefined) return next();
    const principal = c.var.principal;
    const credentialed = request.headers.has('authorization') || request.headers.has('x-api-key');
    // Credentials that did not authenticate (a public path): neither served from nor stored in the cache.
    if (credentialed && !principal) return next();

    const target = pathAndQuery(request.url);
    const memo = `${principal ? 'user' : 'anonymous'} ${target}`;
    let key: string | undefined;
    const keyOf = async () => {
      key ??= `cache:r:${hex(await sha256(new TextEncoder().encode(`GET ${target}`)))}${principal ? `:u:${principal.userId}` : ''}`;
      return key;
    };
    const clientNoCache = /no-cache|no-store/i.test(request.headers.get('cache-control') ?? '');
    if (!clientNoCache && !uncacheable.get(memo)) {
      const entry = await lookup(await keyOf()).catch((err: unknown) => {
        logger.warn('response cache read failed', { error: errorMessage(err) });
        return undefined;
      });
      if (entry) return replay(entry, ifNoneMatches(request.headers.get('if-none-match'), entry.e) ? 304 : 200);
    }

    const epoch = versions.epoch;
    await next();
    const res = c.res;
    const rules = res.status === 200 ? cacheability(res.headers.get('cache-control')) : undefined;
    const tags = parseCacheTags(res.headers.get('x-cache-tags'));
    res.headers.delete('x-cache-tags');
    res.headers.set('x-cache', 'MISS');
    const storable =
      rules !== undefined &&
      tags !== undefined &&
      res.body !== null &&
      (rules.scope === 'private' ? principal !== undefined : !credentialed) &&
      !EVENT_STREAM.test(res.headers.get('content-type') ?? '') &&
      !res.headers.has('set-cookie') &&
      variesOnlyHarmlessly(res.headers.get('vary')) &&
      Number(res.headers.get('content-length') ?? 0) <= maxBodyBytes;
    if (!storable || !rules || !tags || !res.body) {
      if (res.status === 200) uncacheable.set(memo, true, uncacheableMemoMs);
      return;
    }
    uncacheable.delete(memo);

    const read = await readAtMost(res.body, maxBodyBytes);
    if (read.kind === 'too-large') {
      c.res = new Response(read.stream, { status: res.status, statusText: res.statusText, headers: res.headers });
      return;
    }
    const etag = `"${base64url(await sha256(read.bytes))}"`;
    // Hono copies the previous response's headers onto the one assigned to `c.res`: set ours on both.
    res.headers.set('etag', etag);
    const notModified = ifNoneMatches(request.headers.get('if-none-match'), etag);
    c.res = new Response(notModified ? null : read.bytes, { status: notModified ? 304 : 200, headers: res.headers });

    try {
      const tagVersions = await versions.of(tags);
      if (versions.epoch !== epoch) return; // an invalidation arrived while the response was made
      const entry: Entry = {
        h: [...res.headers].filter(([name]) => !NOT_STORED.has(name)),
        b: bytesToBase64(read.bytes),
        e: etag,
        t: tagVersions,
        at: now(),
      };
      await kv.set(await keyOf(), JSON.stringify(entry), { ttlMs: Math.min(rules.maxAgeS, maxTtlS) * 1000 });
    } catch (err) {
      logger.warn('response cache write failed', { error: errorMessage(err) });
    }
  };
}
