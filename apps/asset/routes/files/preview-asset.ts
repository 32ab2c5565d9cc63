import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { visibleAsset } from '../../service/access.ts';
import { IdParamsSchema, json } from '../schemas.ts';
import { serveFile } from './serve-file.ts';

export const previewAssetRoute = createRoute({
  method: 'get',
  path: '/api/v1/assets/{id}/preview',
  operationId: 'previewAsset',
  tags: ['assets'],
  summary: 'An asset’s preview PNG: a thumbnail of an image or texture, a waveform of a clip, a render of a 3D model',
  middleware: [requirePermission('asset:read')] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: 'The thumbnail', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
    302: { description: 'A signed URL of the store (S3, Supabase)' },
    404: json(ErrorEnvelopeSchema, 'No such asset, not the caller’s, or it has no preview (a format without one)'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `GET /api/v1/assets/{id}/preview`. */
export function registerPreviewAsset(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(previewAssetRoute, async (c) => {
    const asset = await visibleAsset(deps.core, principalOf(c), c.req.valid('param').id);
    if (!asset.previewKey) throw new ApiError('NOT_FOUND', `This ${asset.kind} asset has no preview`);
    return serveFile(deps.core, asset.previewKey, 'preview.png', 'inline');
  });
}
