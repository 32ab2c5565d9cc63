import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { KbDeps } from '../../deps.ts';
import { contextFor } from '../../docs/operations.ts';
import { callerAccess } from '../caller.ts';
import { json, jsonBody } from '../schemas.ts';
import { MatchSchema } from '../search/search-kb.ts';

export const ContextBodySchema = z
  .object({
    query: z.string().trim().min(1).max(2000).optional().openapi({ description: 'What the passages should be about' }),
    match: MatchSchema.optional(),
    path: z.string().min(1).max(512).optional().openapi({ description: "Or: one document's passages, in order" }),
    max_tokens: z.number().int().min(50).max(32_000).default(2000).openapi({ description: 'Budget for all passages (≈ 4 characters a token)' }),
  })
  .refine((body) => (body.query === undefined) !== (body.path === undefined), { message: 'Give either query or path', path: ['query'] })
  .openapi('KbContextBody');
export type ContextBody = z.input<typeof ContextBodySchema>;

export const ContextSchema = z
  .object({
    passages: z.array(
      z.object({
        path: z.string(),
        title: z.string(),
        heading: z.string(),
        text: z.string(),
        line_start: z.number().int(),
        line_end: z.number().int(),
        score: z.number(),
      }),
    ),
    tokens: z.number().int(),
    truncated: z.boolean().openapi({ description: 'Relevant passages were left out for the budget' }),
  })
  .openapi('KbContext');
export type Context = z.infer<typeof ContextSchema>;

export const postContextRoute = createRoute({
  method: 'post',
  path: '/api/v1/kb/context',
  operationId: 'postKbContext',
  tags: ['kb'],
  summary: 'The most relevant passages for a query (or a path) within a token budget, with sources: for chat tools',
  middleware: [requirePermission('kb:read')] as const,
  request: { body: jsonBody(ContextBodySchema) },
  responses: { 200: json(ContextSchema, 'Passages, best first'), ...errorResponses, ...authErrorResponses },
});

/** `POST /api/v1/kb/context`. */
export function registerPostContext(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(postContextRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await contextFor(deps.ops, await callerAccess(c, deps), {
      maxTokens: body.max_tokens,
      ...(body.query ? { query: body.query } : {}),
      ...(body.match ? { match: body.match } : {}),
      ...(body.path ? { path: body.path } : {}),
    });
    return c.json(
      {
        passages: result.passages.map(({ lineStart, lineEnd, ...p }) => ({ ...p, line_start: lineStart, line_end: lineEnd })),
        tokens: result.tokens,
        truncated: result.truncated,
      },
      200,
    );
  });
}
