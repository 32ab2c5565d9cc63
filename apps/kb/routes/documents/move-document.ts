import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { KbDeps } from '../../deps.ts';
import { moveDocument } from '../../docs/operations.ts';
import { callerAccess } from '../caller.ts';
import { CommitMessageSchema, json, jsonBody, MovedDocumentSchema } from '../schemas.ts';

export const MoveDocumentBodySchema = z
  .object({ from: z.string().min(1).max(512), to: z.string().min(1).max(512), message: CommitMessageSchema })
  .openapi('KbMoveDocumentBody');
export type MoveDocumentBody = z.infer<typeof MoveDocumentBodySchema>;

export const moveDocumentRoute = createRoute({
  method: 'post',
  path: '/api/v1/kb/move',
  operationId: 'moveKbDocument',
  tags: ['kb'],
  summary: 'Moves (renames) a document as one commit; the caller must be able to write both places',
  middleware: [requirePermission('kb:write')] as const,
  request: { body: jsonBody(MoveDocumentBodySchema) },
  responses: {
    200: json(MovedDocumentSchema, 'Moved'),
    409: json(ErrorEnvelopeSchema, 'A document already exists at `to`'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /api/v1/kb/move`. */
export function registerMoveDocument(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(moveDocumentRoute, async (c) => {
    const moved = await moveDocument(deps.ops, await callerAccess(c, deps), c.req.valid('json'));
    return c.json({ from: moved.from, path: moved.path, sha: moved.sha, commit: moved.commit }, 200);
  });
}
