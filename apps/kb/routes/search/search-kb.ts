import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { KbDeps } from '../../deps.ts';
import { validPath } from '../../docs/errors.ts';
import { searchKb } from '../../docs/operations.ts';
import { isNamespace } from '../../docs/paths.ts';
import { callerAccess } from '../caller.ts';
import { json } from '../schemas.ts';

/** How full text matches a query's words (the full-text half of hybrid too; semantic search ignores it). */
export const MatchSchema = z.enum(['all', 'any']).openapi({
  description:
    '`all` (default): a web search — every word, `"phrases"`, `or`, `-exclude`. `any`: any of the meaningful words ' +
    '(stop words dropped), passages with more of them (and in titles or headings) first — for questions in natural language',
});

export const SearchQuerySchema = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  mode: z
    .enum(['fulltext', 'semantic', 'hybrid'])
    .optional()
    .openapi({ description: 'Default: hybrid when semantic search is available, else fulltext' }),
  match: MatchSchema.optional(),
  namespace: z.string().max(200).optional().openapi({ description: '`shared`, `users/<id>` or `teams/<id>`' }),
  path: z.string().max(512).optional().openapi({ description: 'Only documents under this folder' }),
  tag: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description: 'Front-matter tag; repeat (or comma-separate) for several, all required' }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const SearchResultSchema = z
  .object({
    query: z.string(),
    mode: z.enum(['fulltext', 'semantic', 'hybrid']),
    match: MatchSchema,
    results: z.array(
      z.object({
        path: z.string(),
        title: z.string(),
        heading: z.string(),
        snippet: z.string().openapi({ description: 'Matches wrapped in <mark>…</mark> (full-text)' }),
        score: z.number(),
        line_start: z.number().int(),
        line_end: z.number().int(),
      }),
    ),
    took_ms: z.number(),
  })
  .openapi('KbSearchResult');
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const searchKbRoute = createRoute({
  method: 'get',
  path: '/api/v1/kb/search',
  operationId: 'searchKb',
  tags: ['kb'],
  summary: 'Full-text, semantic or hybrid search over what the caller may read',
  description: 'Semantic and hybrid modes need an embeddings provider and pgvector: otherwise 503 `KB_SEMANTIC_UNAVAILABLE` (full-text keeps working).',
  middleware: [requirePermission('kb:read')] as const,
  request: { query: SearchQuerySchema },
  responses: {
    200: json(SearchResultSchema, 'Matches, best first'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

const tagsOf = (tag: string | string[] | undefined) =>
  [tag ?? []]
    .flat()
    .flatMap((t) => t.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);

/** `GET /api/v1/kb/search`. */
export function registerSearchKb(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(searchKbRoute, async (c) => {
    const started = performance.now();
    const query = c.req.valid('query');
    if (query.namespace !== undefined && !isNamespace(query.namespace)) {
      throw new ApiError('KB_UNKNOWN_NAMESPACE', 'namespace must be shared, users/<id> or teams/<id>', { details: { namespace: query.namespace } });
    }
    const pathPrefix = query.path ? validPath(query.path, 'dir') : '';
    const mode = query.mode ?? (deps.kb.runtime().semantic ? 'hybrid' : 'fulltext');
    const tags = tagsOf(query.tag);
    const match = query.match ?? 'all';
    const hits = await searchKb(deps.ops, await callerAccess(c, deps), {
      q: query.q,
      mode,
      match,
      limit: query.limit,
      ...(query.namespace ? { namespace: query.namespace } : {}),
      ...(pathPrefix ? { pathPrefix: `${pathPrefix}/` } : {}),
      ...(tags.length > 0 ? { tags } : {}),
    });
    return c.json(
      {
        query: query.q,
        mode,
        match,
        results: hits.map(({ lineStart, lineEnd, ...hit }) => ({ ...hit, line_start: lineStart, line_end: lineEnd })),
        took_ms: Math.round((performance.now() - started) * 10) / 10,
      },
      200,
    );
  });
}
