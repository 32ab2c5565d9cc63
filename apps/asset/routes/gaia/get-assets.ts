import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requireGaiaPermission } from '../../../../lib/gaia/caller.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { principalOf } from '../../../../lib/auth/middleware.ts';
import type { AssetDeps } from '../../deps.ts';
import { gaiaAsset } from '../../views/gaia-asset.ts';
import { json } from '../schemas.ts';
import { GaiaAssetSchema, gaiaAssetErrors } from './schemas.ts';

export const GaiaAssetListSchema = z
  .object({ assets: z.array(GaiaAssetSchema), total: z.number().int(), message: z.string(), timestamp: z.string() })
  .openapi('GaiaAssetList');
export type GaiaAssetList = z.infer<typeof GaiaAssetListSchema>;

/** Additive paging (GAIA sends neither): newest first. */
export const GaiaAssetListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const getGaiaAssetsRoute = createRoute({
  method: 'get',
  path: '/assets',
  operationId: 'getGaiaAssets',
  tags: ['gaia'],
  summary: "GAIA: the caller's assets, newest first",
  middleware: [requireGaiaPermission('asset:read')] as const,
  request: { query: GaiaAssetListQuerySchema },
  responses: { 200: json(GaiaAssetListSchema, 'The caller’s assets'), ...gaiaAssetErrors },
});

/** `GET /api/v1/assets` → `{assets, total, message, timestamp}` (GAIA-API §11). */
export function registerGetGaiaAssets(router: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  router.openapi(getGaiaAssetsRoute, async (c) => {
    const { userId } = principalOf(c);
    const { limit, offset } = c.req.valid('query');
    const { assets, total } = await deps.core.assets.list(deps.core.db, userId, limit, offset);
    const place = { baseUrl: deps.core.behaviour.publicBaseUrl, bucket: deps.core.behaviour.storageBucket };
    return c.json(
      {
        assets: assets.map((asset) => gaiaAsset(asset, place)),
        total,
        message: total === 1 ? 'Found 1 asset' : `Found ${total} assets`,
        timestamp: new Date().toISOString(),
      },
      200,
    );
  });
}
