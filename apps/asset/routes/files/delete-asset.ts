import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf, requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { deleteAsset } from '../../service/delete.ts';
import { AssetIdParamsSchema } from '../gaia/schemas.ts';
import { json } from '../schemas.ts';

export const deleteAssetRoute = createRoute({
  method: 'delete',
  path: '/api/v1/assets/{asset_id}',
  operationId: 'deleteAsset',
  tags: ['assets'],
  summary: 'Deletes one of the caller’s assets and its files (any asset with asset:admin)',
  description: 'Our envelope on errors (GAIA owns `GET` on this path). Files still used by another record (a reuse) stay.',
  middleware: [requirePermission('asset:write')] as const,
  request: { params: AssetIdParamsSchema },
  responses: {
    204: { description: 'Deleted' },
    404: json(ErrorEnvelopeSchema, 'No such asset, or not the caller’s'),
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `DELETE /api/v1/assets/{asset_id}` → 204 (the same path item as GAIA's `GET`, so one template in the spec). */
export function registerDeleteAsset(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(deleteAssetRoute, async (c) => {
    await deleteAsset(deps.core, principalOf(c), c.req.valid('param').asset_id);
    return c.body(null, 204);
  });
}
