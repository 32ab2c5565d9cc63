import type { RankedChunk } from './ranked-chunk.ts';

/**
 * Reciprocal rank fusion: each chunk scores Σ 1/(k + rank) over the lists it appears in (rank 1-based), best first.
 * The first list's snippet wins (pass full text first to keep its `<mark>` highlights).
 * @example fuseRankings([fulltextHits, semanticHits]) // chunks in both lists rise to the top
 */
export function fuseRankings(lists: RankedChunk[][], k = 60): RankedChunk[] {
  const fused = new Map<number, RankedChunk>();
  for (const list of lists) {
    list.forEach((chunk, i) => {
      const contribution = 1 / (k + i + 1);
      const seen = fused.get(chunk.id);
      if (seen) seen.score += contribution;
      else fused.set(chunk.id, { ...chunk, score: contribution });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.path.localeCompare(b.path) || a.lineStart - b.lineStart);
}
