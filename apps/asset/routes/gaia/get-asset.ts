import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf } from '../../../../lib/auth/middleware.ts';
import { isUuid } from '../../../../lib/db/uuid.ts';
import { requireGaiaPermission } from '../../../../lib/gaia/caller.ts';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { gaiaAsset } from '../../views/gaia-asset.ts';
import { json } from '../schemas.ts';
import { AssetIdParamsSchema, GaiaAssetSchema, gaiaAssetErrors } from './schemas.ts';

export const getGaiaAssetRoute = createRoute({
  method: 'get',
  path: '/assets/{asset_id}',
  operationId: 'getGaiaAsset',
  tags: ['gaia'],
  summary: 'GAIA: one of the caller’s assets',
  middleware: [requireGaiaPermission('asset:read')] as const,
  request: { params: AssetIdParamsSchema },
  responses: { 200: json(GaiaAssetSchema, 'The asset'), ...gaiaAssetErrors },
});

/** `GET /api/v1/assets/{asset_id}` → the Asset when the caller owns it, else 404 `Asset not found` (GAIA-API §11). */
export function registerGetGaiaAsset(router: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  router.openapi(getGaiaAssetRoute, async (c) => {
    const { userId } = principalOf(c);
    const id = c.req.valid('param').asset_id;
    const asset = isUuid(id) ? await deps.core.assets.get(deps.core.db, id.toLowerCase()) : null;
    if (!asset || asset.ownerId !== userId) throw new GaiaError(404, 'Asset not found');
    return c.json(gaiaAsset(asset, { baseUrl: deps.core.behaviour.publicBaseUrl, bucket: deps.core.behaviour.storageBucket }), 200);
  });
}
