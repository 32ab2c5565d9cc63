import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { openapiTail } from '../../../../lib/openapi/tail-param.ts';
import type { KbDeps } from '../../deps.ts';
import { deleteDocument } from '../../docs/operations.ts';
import { callerAccess } from '../caller.ts';
import { CommitMessageSchema, DeletedDocumentSchema, etagValue, IfMatchHeaderSchema, json, PathParamSchema } from '../schemas.ts';

export const deleteDocumentRoute = createRoute({
  method: 'delete',
  path: '/api/v1/kb/documents/{path}',
  operationId: 'deleteKbDocument',
  tags: ['kb'],
  summary: 'Deletes a document as one commit (conditional with If-Match)',
  middleware: [requirePermission('kb:write')] as const,
  request: { params: PathParamSchema, headers: IfMatchHeaderSchema, query: z.object({ message: CommitMessageSchema }) },
  responses: {
    200: json(DeletedDocumentSchema, 'Deleted'),
    412: json(ErrorEnvelopeSchema, 'The document changed since the sha in If-Match'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `DELETE /api/v1/kb/documents/{path}`. */
export function registerDeleteDocument(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  openapiTail(app, deleteDocumentRoute, async (c) => {
    const ifMatch = etagValue(c.req.valid('header')['if-match']);
    const { message } = c.req.valid('query');
    const deleted = await deleteDocument(deps.ops, await callerAccess(c, deps), c.req.valid('param').path, { message, ifMatch });
    return c.json(deleted, 200);
  });
}
