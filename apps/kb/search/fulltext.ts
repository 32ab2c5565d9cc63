import type { SqlRunner } from '../../../lib/db/types.ts';
import type { ChunkRow, RankedChunk, RankLimits } from './ranked-chunk.ts';
import { highlighted, MARK_START, MARK_STOP } from './snippet.ts';
import { chunkFilterSql, type DocumentFilters, schemaIdent } from './sql.ts';
import type { SearchMatch } from './types.ts';

const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, MaxFragments=2, MaxWords=30, MinWords=10`;

/** Words of a query kept for an any-word match (a question rarely has more; each one is an index lookup). */
const MAX_ANY_WORDS = 32;

/**
 * The words of `q` (runs of letters, marks and digits, so nothing `to_tsquery` reads as an operator), each once,
 * OR-ed for `to_tsquery('english', …)`, which stems them and drops stop words. '' when `q` has no words.
 * @example anyWordQuery('What is in the getting-started guide?') // 'what | is | in | the | getting | started | guide'
 */
export function anyWordQuery(q: string): string {
  const words = new Set(q.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? []);
  return [...words].slice(0, MAX_ANY_WORDS).join(' | ');
}

/**
 * Full-text ranking of chunks: `websearch_to_tsquery('english', q)` (match `all`), or any of q's words OR-ed through
 * `to_tsquery` (match `any`: {@link anyWordQuery}), matched against the chunks' tsvector and ranked with `ts_rank`
 * (more of the query's words rank higher; title and heading weigh more than body text), filters (read scope included)
 * applied in SQL before any LIMIT. The best `5 × limit` chunks (at least 50) are kept with a top-N sort, then capped at `perDocument` per
 * document: ranking touches only ids, paths and tsvectors; content, titles and `ts_headline` snippets are read for
 * the returned rows only.
 * @example await fulltextChunks({ db, schema: 'kb' }, 'deploy staging', { scope }, { limit: 10, perDocument: 2 });
 */
export async function fulltextChunks(
  deps: { db: SqlRunner; schema: string },
  q: string,
  filters: DocumentFilters,
  limits: RankLimits,
  match: SearchMatch = 'all',
): Promise<RankedChunk[]> {
  const s = schemaIdent(deps.schema);
  const text = match === 'any' ? anyWordQuery(q) : q;
  if (text === '') return [];
  const params: unknown[] = [text, limits.perDocument, limits.limit, HEADLINE, Math.max(50, limits.limit * 5)];
  const where = chunkFilterSql(filters, params, s);
  const tsquery = match === 'any' ? `to_tsquery('english', $1::text)` : `websearch_to_tsquery('english', $1::text)`;
  const rows = await deps.db.query<ChunkRow>(
    `with q as (select ${tsquery} as query),
     matched as (
       select c.id, c.path, c.line_start, ts_rank(c.tsv, q.query) as score
         from ${s}.chunks c
        cross join q
        where c.tsv @@ q.query and ${where}
        order by score desc, c.id
        limit $5::int
     ),
     capped as (
       select m.*, row_number() over (partition by m.path order by m.score desc, m.id) as n from matched m
     ),
     top as (
       select * from capped where n <= $2::int order by score desc, path, line_start limit $3::int
     )
     select t.id, t.path, d.title, c.heading, c.content, c.line_start, c.line_end, t.score,
            ts_headline('english', c.content, q.query, $4::text) as snippet
       from top t
       join ${s}.chunks c on c.id = t.id
       join ${s}.documents d on d.path = t.path
      cross join q
      order by t.score desc, t.path, t.line_start`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    path: r.path,
    title: r.title,
    heading: r.heading,
    content: r.content,
    snippet: highlighted(r.snippet ?? ''),
    score: Number(r.score),
    lineStart: r.line_start,
    lineEnd: r.line_end,
  }));
}
