import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { openapiTail } from '../../../../lib/openapi/tail-param.ts';
import type { KbDeps } from '../../deps.ts';
import { readDocument } from '../../docs/operations.ts';
import { callerAccess } from '../caller.ts';
import { DocumentSchema, json, PathParamSchema } from '../schemas.ts';

export const getDocumentRoute = createRoute({
  method: 'get',
  path: '/api/v1/kb/documents/{path}',
  operationId: 'getKbDocument',
  tags: ['kb'],
  summary: 'A document: content, front matter, blob sha (also as ETag) and last commit',
  middleware: [requirePermission('kb:read')] as const,
  request: { params: PathParamSchema },
  responses: { 200: json(DocumentSchema, 'The document'), ...errorResponses, ...authErrorResponses },
});

/** `GET /api/v1/kb/documents/{path}`. */
export function registerGetDocument(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  openapiTail(app, getDocumentRoute, async (c) => {
    const doc = await readDocument(deps.ops, await callerAccess(c, deps), c.req.valid('param').path);
    const { lastCommit, ...rest } = doc;
    c.header('ETag', `"${doc.sha}"`);
    return c.json({ ...rest, last_commit: lastCommit }, 200);
  });
}
