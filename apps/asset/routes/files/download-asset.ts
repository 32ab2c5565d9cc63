import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { visibleAsset } from '../../service/access.ts';
import { IdParamsSchema, json } from '../schemas.ts';
import { serveFile } from './serve-file.ts';

export const DownloadQuerySchema = z.object({
  file: z.string().max(100).optional().openapi({ description: 'Another file of the asset by name (default: the main one)' }),
  disposition: z.enum(['attachment', 'inline']).default('attachment'),
});

export const downloadAssetRoute = createRoute({
  method: 'get',
  path: '/api/v1/assets/{id}/download',
  operationId: 'downloadAsset',
  tags: ['assets'],
  summary: 'An asset’s file: streamed with the caller’s rights, or a redirect to a short-lived signed URL',
  middleware: [requirePermission('asset:read')] as const,
  request: { params: IdParamsSchema, query: DownloadQuerySchema },
  responses: {
    200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    302: { description: 'A signed URL of the store (S3, Supabase)' },
    404: json(ErrorEnvelopeSchema, 'No such asset or file, or not the caller’s'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `GET /api/v1/assets/{id}/download[?file=&disposition=]`. */
export function registerDownloadAsset(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(downloadAssetRoute, async (c) => {
    const asset = await visibleAsset(deps.core, principalOf(c), c.req.valid('param').id);
    const { file: name, disposition } = c.req.valid('query');
    const file = name === undefined ? asset.files[0] : asset.files.find((f) => f.name === name);
    if (!file) throw new ApiError('NOT_FOUND', `The asset has no file named ${JSON.stringify(name)}`);
    return serveFile(deps.core, file.key, file.name, disposition);
  });
}
