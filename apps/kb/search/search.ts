import type { Db } from '../../../lib/db/types.ts';
import { SemanticUnavailableError } from './errors.ts';
import { fulltextChunks } from './fulltext.ts';
import { fuseRankings } from './fusion.ts';
import { capPerDocument, type RankedChunk, type RankLimits } from './ranked-chunk.ts';
import { semanticChunks } from './semantic.ts';
import type { DocumentFilters } from './sql.ts';
import type { Embedder, ReadScope, SearchHit, SearchMatch, SearchMode, SearchQuery } from './types.ts';

export { SemanticUnavailableError } from './errors.ts';

export interface SearchDeps {
  db: Db;
  schema: string;
  embedder?: Embedder | undefined;
  /** Whether vectors are enabled in the database (`enableVectors` returned ok). */
  vectors: boolean;
}

/** Candidates taken from each list before fusing, per wanted hit. */
const FUSION_DEPTH = 3;
const MAX_LIMIT = 200;

/**
 * The embedder when semantic search can run.
 * @throws SemanticUnavailableError saying what to configure.
 * @example const embedder = semanticEmbedder({ db, schema: 'kb', embedder, vectors: true });
 */
export function semanticEmbedder(deps: SearchDeps): Embedder {
  if (!deps.embedder) throw new SemanticUnavailableError('no_embedder');
  if (!deps.vectors) throw new SemanticUnavailableError('no_vectors');
  return deps.embedder;
}

/**
 * Ranked chunks for a query in any mode (what search and the context builder share); hybrid fuses full-text and
 * semantic lists with reciprocal rank fusion (k = 60). `match` is how full text matches the words (semantic ignores it).
 * @example await rankChunks(deps, 'hybrid', 'deploy', { scope }, { limit: 10, perDocument: 2 });
 */
export async function rankChunks(
  deps: SearchDeps,
  mode: SearchMode,
  q: string,
  filters: DocumentFilters,
  limits: RankLimits,
  match: SearchMatch = 'all',
): Promise<RankedChunk[]> {
  const bounded = { limit: Math.max(1, Math.min(Math.floor(limits.limit), MAX_LIMIT)), perDocument: limits.perDocument };
  const embedder = mode === 'fulltext' ? undefined : semanticEmbedder(deps);
  if (q.trim() === '') return [];
  if (mode === 'fulltext' || !embedder) return fulltextChunks(deps, q, filters, bounded, match);
  const semanticDeps = { db: deps.db, schema: deps.schema, embedder };
  if (mode === 'semantic') return semanticChunks(semanticDeps, q, filters, bounded);
  const depth = { limit: bounded.limit * FUSION_DEPTH, perDocument: bounded.perDocument + 1 };
  const [fulltext, semantic] = await Promise.all([
    fulltextChunks(deps, q, filters, depth, match),
    semanticChunks(semanticDeps, q, filters, depth),
  ]);
  return capPerDocument(fuseRankings([fulltext, semantic]), bounded);
}

const toHit = (chunk: RankedChunk): SearchHit => ({
  path: chunk.path,
  title: chunk.title,
  heading: chunk.heading,
  snippet: chunk.snippet,
  score: chunk.score,
  lineStart: chunk.lineStart,
  lineEnd: chunk.lineEnd,
});

/**
 * Searches the index within the caller's read scope (applied in SQL, before any LIMIT), at most 2 chunks per
 * document. Full text: `websearch_to_tsquery` (or any word, `match: 'any'`) + `ts_rank`, `<mark>` snippets. Semantic: cosine distance to the
 * embedded query (score 1 - distance). Hybrid: reciprocal rank fusion of both. Snippets are HTML-escaped.
 * @throws SemanticUnavailableError for semantic/hybrid without an embedder or without pgvector.
 * @example await searchDocuments({ db, schema: 'kb', vectors: false }, { q: 'deploy', mode: 'fulltext', limit: 10 }, { all: true });
 */
export async function searchDocuments(deps: SearchDeps, query: SearchQuery, scope: ReadScope): Promise<SearchHit[]> {
  const filters: DocumentFilters = { scope, namespace: query.namespace, pathPrefix: query.pathPrefix, tags: query.tags };
  const chunks = await rankChunks(deps, query.mode, query.q, filters, { limit: query.limit, perDocument: 2 }, query.match);
  return chunks.map(toHit);
}
