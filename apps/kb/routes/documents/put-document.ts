import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { openapiTail } from '../../../../lib/openapi/tail-param.ts';
import type { KbDeps } from '../../deps.ts';
import { writeDocument } from '../../docs/operations.ts';
import { callerAccess } from '../caller.ts';
import { CommitMessageSchema, etagValue, IfMatchHeaderSchema, json, jsonBody, PathParamSchema, WrittenDocumentSchema } from '../schemas.ts';

export const PutDocumentBodySchema = z
  .object({
    content: z.string().openapi({ description: 'Markdown (or text), optionally with YAML front matter' }),
    message: CommitMessageSchema,
  })
  .openapi('KbPutDocumentBody');
export type PutDocumentBody = z.infer<typeof PutDocumentBodySchema>;

export const putDocumentRoute = createRoute({
  method: 'put',
  path: '/api/v1/kb/documents/{path}',
  operationId: 'putKbDocument',
  tags: ['kb'],
  summary: 'Creates or replaces a document as one commit authored by the caller',
  description:
    'With `If-Match: <sha>` the write happens only if the document still has that blob sha (else 412). Concurrent ' +
    'writes are serialized: each lands as its own commit.',
  middleware: [requirePermission('kb:write')] as const,
  request: { params: PathParamSchema, headers: IfMatchHeaderSchema, body: jsonBody(PutDocumentBodySchema) },
  responses: {
    200: json(WrittenDocumentSchema, 'Updated'),
    201: json(WrittenDocumentSchema, 'Created'),
    412: json(ErrorEnvelopeSchema, 'The document changed since the sha in If-Match'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `PUT /api/v1/kb/documents/{path}`. */
export function registerPutDocument(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  openapiTail(app, putDocumentRoute, async (c) => {
    const { content, message } = c.req.valid('json');
    const ifMatch = etagValue(c.req.valid('header')['if-match']);
    const written = await writeDocument(deps.ops, await callerAccess(c, deps), c.req.valid('param').path, { content, message, ifMatch });
    c.header('ETag', `"${written.sha}"`);
    return c.json({ path: written.path, sha: written.sha, commit: written.commit }, written.created ? 201 : 200);
  });
}
