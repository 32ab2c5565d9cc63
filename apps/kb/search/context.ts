import type { ChunkRow } from './ranked-chunk.ts';
import { rankChunks, type SearchDeps } from './search.ts';
import { filterSql, inScope, schemaIdent } from './sql.ts';
import type { ContextPassage, ContextRequest, ContextResult, ReadScope } from './types.ts';

/**
 * Approximate tokens of a text (≈ 4 characters per token).
 * @example estimateTokens('abcdefghi') // 3
 */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Chunks considered per query: enough to fill the budget with room to skip oversized ones. */
const candidatesFor = (maxTokens: number) => Math.max(8, Math.min(60, Math.ceil(maxTokens / 100)));

interface Packed {
  passages: ContextPassage[];
  tokens: number;
  truncated: boolean;
}

/** Best first, adding every passage that still fits (a too-large one is skipped, smaller later ones may fit). */
function packGreedy(candidates: ContextPassage[], maxTokens: number): Packed {
  const packed: Packed = { passages: [], tokens: 0, truncated: false };
  for (const passage of candidates) {
    const cost = estimateTokens(passage.text);
    if (packed.tokens + cost > maxTokens) {
      packed.truncated = true;
      continue;
    }
    packed.passages.push(passage);
    packed.tokens += cost;
  }
  return packed;
}

/** In document order, stopping at the first passage that does not fit (a context must not have holes). */
function packInOrder(candidates: ContextPassage[], maxTokens: number): Packed {
  const packed: Packed = { passages: [], tokens: 0, truncated: false };
  for (const passage of candidates) {
    const cost = estimateTokens(passage.text);
    if (packed.tokens + cost > maxTokens) return { ...packed, truncated: true };
    packed.passages.push(passage);
    packed.tokens += cost;
  }
  return packed;
}

async function documentPassages(deps: SearchDeps, path: string, scope: ReadScope): Promise<ContextPassage[]> {
  if (!inScope(path, scope)) return [];
  const s = schemaIdent(deps.schema);
  const params: unknown[] = [path];
  const where = filterSql({ scope }, params);
  const rows = await deps.db.query<ChunkRow>(
    `select c.id, c.path, d.title, c.heading, c.content, c.line_start, c.line_end, 1::float8 as score
       from ${s}.chunks c join ${s}.documents d on d.path = c.path
      where c.path = $1::text and ${where}
      order by c.ordinal`,
    params,
  );
  return rows.map((r) => ({
    path: r.path,
    title: r.title,
    heading: r.heading,
    text: r.content,
    lineStart: r.line_start,
    lineEnd: r.line_end,
    score: Number(r.score),
  }));
}

async function queryPassages(
  deps: SearchDeps,
  request: ContextRequest & { query: string },
  scope: ReadScope,
  maxTokens: number,
): Promise<ContextPassage[]> {
  const mode = deps.embedder && deps.vectors ? 'hybrid' : 'fulltext';
  const chunks = await rankChunks(deps, mode, request.query, { scope }, { limit: candidatesFor(maxTokens), perDocument: 4 }, request.match);
  return chunks.map((c) => ({
    path: c.path,
    title: c.title,
    heading: c.heading,
    text: c.content,
    lineStart: c.lineStart,
    lineEnd: c.lineEnd,
    score: c.score,
  }));
}

/**
 * Passages for a language model within a token budget (tokens ≈ chars / 4), each with its source (path, heading,
 * lines). By query: the best chunks (hybrid when semantic search is available, else full text) packed greedily.
 * `match: 'any'` matches any of the query's words (for questions in natural language). By path: that document's
 * chunks in order until the budget is spent (nothing for a path outside the scope).
 * `truncated` says relevant passages were left out for the budget.
 * @example await buildContext(deps, { query: 'how do we deploy', maxTokens: 2000 }, access.scope);
 */
export async function buildContext(deps: SearchDeps, request: ContextRequest, scope: ReadScope): Promise<ContextResult> {
  const budget = Math.max(0, Math.floor(request.maxTokens));
  if (request.path !== undefined) return packInOrder(await documentPassages(deps, request.path, scope), budget);
  if (request.query !== undefined && request.query.trim() !== '') {
    return packGreedy(await queryPassages(deps, { ...request, query: request.query }, scope, budget), budget);
  }
  return { passages: [], tokens: 0, truncated: false };
}
