import { z } from '@hono/zod-openapi';

export { json, jsonBody } from '../../../lib/openapi/json.ts';

export const PathParamSchema = z.object({
  path: z
    .string()
    .min(1)
    .max(512)
    .openapi({ param: { name: 'path', in: 'path' }, description: 'Repository-relative path, slashes included', example: 'shared/guides/setup.md' }),
});

export const CommitInfoSchema = z
  .object({
    sha: z.string(),
    message: z.string(),
    author: z.object({ name: z.string(), email: z.string() }),
    timestamp: z.string(),
  })
  .openapi('KbCommit');

export const DocumentSchema = z
  .object({
    path: z.string(),
    namespace: z.string().nullable().openapi({ description: '`shared`, `users/<id>` or `teams/<id>`' }),
    title: z.string(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()).openapi({ description: 'The front matter' }),
    content: z.string(),
    sha: z.string().openapi({ description: 'Blob sha; send it as `If-Match` to update only this version' }),
    size: z.number().int(),
    last_commit: CommitInfoSchema.nullable(),
  })
  .openapi('KbDocument');

export const WrittenDocumentSchema = z
  .object({ path: z.string(), sha: z.string(), commit: z.string().openapi({ description: 'The commit made' }) })
  .openapi('KbWrittenDocument');

export const MovedDocumentSchema = WrittenDocumentSchema.extend({ from: z.string() }).openapi('KbMovedDocument');

export const DeletedDocumentSchema = z.object({ path: z.string(), commit: z.string() }).openapi('KbDeletedDocument');

export const CommitMessageSchema = z.string().trim().min(1).max(2000).optional().openapi({ description: 'Commit message' });

export const IfMatchHeaderSchema = z.object({
  'if-match': z
    .string()
    .regex(/^(W\/)?"?[0-9a-f]{40}"?$/, 'must be the blob sha of the version you read')
    .optional()
    .openapi({ param: { name: 'if-match', in: 'header' }, description: 'Blob sha the document must still have (else 412)' }),
});

/** `If-Match: "<sha>"` → `<sha>`. */
export const etagValue = (header: string | undefined) => header?.replace(/^W\//, '').replaceAll('"', '');

export const IndexReportSchema = z
  .object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    indexed: z.number().int(),
    deleted: z.number().int(),
    skipped: z.number().int(),
    problems: z.array(z.object({ path: z.string(), reason: z.string() })),
    duration_ms: z.number(),
  })
  .openapi('KbIndexReport');

/** Our report in the route's snake_case. */
export function indexReportBody(report: {
  from: string | null;
  to: string | null;
  indexed: number;
  deleted: number;
  skipped: number;
  problems: { path: string; reason: string }[];
  durationMs: number;
}): z.infer<typeof IndexReportSchema> {
  const { durationMs, ...rest } = report;
  return { ...rest, duration_ms: Math.round(durationMs) };
}
