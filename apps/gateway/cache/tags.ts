import type { Kv } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';

/**
 * Channel a service publishes `{"tags":[...]}` on to invalidate every cached response carrying one of the tags
 * (`X-Cache-Tags` on the upstream response). Use {@link invalidateCacheTags}: it bumps the tags' versions first.
 */
export const CACHE_INVALIDATE_CHANNEL = 'gaia:cache:invalidate';

/** The message on {@link CACHE_INVALIDATE_CHANNEL}; `versions` (the new version of each tag) is optional. */
export interface CacheInvalidation {
  tags: string[];
  versions?: Record<string, number>;
}

/** A tag: letters, digits and `:._/-`, at most 128 characters. */
const TAG = /^[A-Za-z0-9:._/-]{1,128}$/;
/** Most tags one response may carry. */
export const MAX_TAGS = 32;

/** A version no stored entry carries: forces a miss while a tag's version is in flux. */
const UNSETTLED = -1;

/** The KV key holding a tag's version (an integer, bumped by each invalidation). */
export const tagVersionKey = (tag: string) => `cache:tag:${tag}`;

/**
 * The tags of an `X-Cache-Tags` header (comma-separated), or `undefined` when it names an invalid tag or too many.
 * @example parseCacheTags('kb:doc:1, kb:list') // ['kb:doc:1', 'kb:list']
 */
export function parseCacheTags(header: string | null): string[] | undefined {
  if (!header) return [];
  const tags = [...new Set(header.split(',').map((t) => t.trim()).filter(Boolean))];
  if (tags.length > MAX_TAGS || !tags.every((t) => TAG.test(t))) return undefined;
  return tags;
}

/**
 * Invalidates cached responses by tag on every gateway instance: bumps each tag's version in the KV (so entries
 * stored under an older version never match again), then publishes the new versions on
 * {@link CACHE_INVALIDATE_CHANNEL} so gateways update the versions they keep in memory.
 * @example await invalidateCacheTags(deps.kv, [`kb:doc:${id}`]);
 */
export async function invalidateCacheTags(kv: Kv, tags: readonly string[]): Promise<void> {
  const valid = [...new Set(tags)].filter((t) => TAG.test(t));
  if (valid.length === 0) return;
  const versions: Record<string, number> = {};
  for (const tag of valid) versions[tag] = await kv.incr(tagVersionKey(tag));
  const message: CacheInvalidation = { tags: valid, versions };
  await kv.publish(CACHE_INVALIDATE_CHANNEL, JSON.stringify(message));
}

export interface TagVersionsOptions {
  kv: Kv;
  logger: Logger;
  /** A version learnt from the KV is re-read after this long, in case a message was missed. Default 60 s. */
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * The current version of each cache tag, kept in memory: read from the KV on first use (and every `maxAgeMs`),
 * updated from {@link CACHE_INVALIDATE_CHANNEL} messages. `epoch` counts the invalidations seen, so a response
 * fetched while one arrived is not stored under versions that may predate it.
 * @example const versions = new TagVersions({ kv, logger }); await versions.of(['kb:list']);
 */
export class TagVersions {
  readonly #kv: Kv;
  readonly #logger: Logger;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #known = new Map<string, { version: number; at: number }>();
  #epoch = 0;

  constructor(options: TagVersionsOptions) {
    this.#kv = options.kv;
    this.#logger = options.logger;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Invalidations seen so far. */
  get epoch(): number {
    return this.#epoch;
  }

  /** The current version of each tag (0 for a tag never invalidated). Rejects when the KV cannot be read. */
  async of(tags: readonly string[]): Promise<Record<string, number>> {
    const versions: Record<string, number> = {};
    const now = this.#now();
    for (const tag of tags) {
      const known = this.#known.get(tag);
      if (known && now - known.at < this.#maxAgeMs) {
        versions[tag] = known.version;
        continue;
      }
      const epoch = this.#epoch;
      const version = Number((await this.#kv.get(tagVersionKey(tag))) ?? 0) || 0;
      if (this.#epoch === epoch) {
        this.#known.set(tag, { version, at: now });
        versions[tag] = version;
      } else {
        // An invalidation arrived during the read, which may predate it: a version no entry has (a miss).
        versions[tag] = UNSETTLED;
      }
    }
    return versions;
  }

  /** Invalidations may have been missed (the subscription dropped): every version is read from the KV again. */
  forget(): void {
    this.#epoch++;
    this.#known.clear();
  }

  /** Applies a message from {@link CACHE_INVALIDATE_CHANNEL}. */
  apply(message: string): void {
    let parsed: Partial<CacheInvalidation>;
    try {
      parsed = JSON.parse(message) as Partial<CacheInvalidation>;
    } catch {
      parsed = {};
    }
    if (!Array.isArray(parsed.tags)) {
      this.#logger.warn('ignored a malformed cache invalidation', { channel: CACHE_INVALIDATE_CHANNEL });
      return;
    }
    this.#epoch++;
    for (const tag of parsed.tags) {
      if (typeof tag !== 'string') continue;
      const version = parsed.versions?.[tag];
      if (typeof version === 'number' && Number.isSafeInteger(version)) {
        const known = this.#known.get(tag);
        if (!known || known.version < version) this.#known.set(tag, { version, at: this.#now() });
      } else {
        this.#known.delete(tag); // read it again from the KV next time
      }
    }
  }
}
