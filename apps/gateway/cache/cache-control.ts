/** What the gateway may do with a response, from its `Cache-Control`. */
export interface Cacheability {
  scope: 'public' | 'private';
  /** Seconds the response stays fresh. */
  maxAgeS: number;
}

/**
 * Reads `Cache-Control` the way the gateway's cache opts in: `public` or `private` plus `max-age=N` (N > 0; for
 * `public`, `s-maxage` wins), and neither `no-store` nor `no-cache`. Anything else is `undefined`: not cacheable.
 * @example cacheability('private, max-age=60') // { scope: 'private', maxAgeS: 60 }
 */
export function cacheability(header: string | null | undefined): Cacheability | undefined {
  if (!header) return undefined;
  const directives = new Map<string, string>();
  for (const part of header.split(',')) {
    const [name, value] = part.split('=', 2).map((s) => s.trim());
    if (name) directives.set(name.toLowerCase(), (value ?? '').replace(/^"|"$/g, ''));
  }
  if (directives.has('no-store') || directives.has('no-cache')) return undefined;
  const scope = directives.has('private') ? 'private' : directives.has('public') ? 'public' : undefined;
  if (!scope) return undefined;
  const shared = scope === 'public' ? directives.get('s-maxage') : undefined;
  const maxAgeS = Number(shared ?? directives.get('max-age'));
  if (!Number.isSafeInteger(maxAgeS) || maxAgeS <= 0) return undefined;
  return { scope, maxAgeS };
}

/**
 * Whether an `If-None-Match` header matches `etag` (weak comparison; `*` matches anything).
 * @example ifNoneMatches('W/"abc", "def"', '"def"') // true
 */
export function ifNoneMatches(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}
