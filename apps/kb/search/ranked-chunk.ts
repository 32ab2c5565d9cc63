/** A chunk found by a search, with what both the search route and the context builder need. */
export interface RankedChunk {
  id: number;
  path: string;
  title: string;
  heading: string;
  content: string;
  /** HTML-safe; `<mark>` around full-text matches. */
  snippet: string;
  score: number;
  lineStart: number;
  lineEnd: number;
}

/** A chunk as the ranking queries select it (a type alias: rows must be index-signature compatible). */
export type ChunkRow = {
  id: number | bigint;
  path: string;
  title: string;
  heading: string;
  content: string;
  line_start: number;
  line_end: number;
  score: number;
  snippet?: string;
};

/** How many chunks to return and how many of them may come from one document. */
export interface RankLimits {
  limit: number;
  perDocument: number;
}

/**
 * Keeps at most `perDocument` chunks per path (the best ones: `chunks` must be sorted best first), then `limit`.
 * @example capPerDocument(hits, { limit: 10, perDocument: 2 })
 */
export function capPerDocument<T extends { path: string }>(chunks: T[], limits: RankLimits): T[] {
  const seen = new Map<string, number>();
  const kept: T[] = [];
  for (const chunk of chunks) {
    const n = seen.get(chunk.path) ?? 0;
    if (n >= limits.perDocument) continue;
    seen.set(chunk.path, n + 1);
    kept.push(chunk);
    if (kept.length >= limits.limit) break;
  }
  return kept;
}
