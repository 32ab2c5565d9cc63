import { z } from '@hono/zod-openapi';
import { GaiaDetailSchema, GaiaValidationErrorSchema } from '../../../../lib/gaia/schemas.ts';
import { json } from '../schemas.ts';

/** GAIA's Asset (GAIA-API §11): exactly these keys. */
export const GaiaAssetSchema = z
  .object({
    asset_id: z.string(),
    source: z.enum(['database', 'hybrid', 'generated', 'external']),
    cost: z.number().openapi({ description: 'USD this request cost (0 when an existing asset was returned)' }),
    response_time_ms: z.number().int(),
    asset_data: z.object({
      download_url: z.string(),
      preview_image_url: z.string().nullable(),
      file_format: z.string(),
      file_size_mb: z.number(),
      quality_score: z.number(),
      license_type: z.enum(['creative_commons', 'public_domain', 'custom', 'commercial', 'proprietary']),
      attribution_required: z.boolean(),
    }),
    storage_info: z.object({
      storage_type: z.enum(['supabase', 'external', 'generated']),
      bucket_name: z.string().nullable(),
      file_path: z.string(),
      external_source: z.string().nullable(),
    }),
    metadata: z.record(z.string(), z.unknown()),
    cost_breakdown: z.object({
      generation_cost: z.number(),
      search_cost: z.number(),
      modification_cost: z.number(),
      storage_cost: z.number(),
      total_cost: z.number(),
    }),
  })
  .openapi('GaiaAsset');

/** The GAIA asset routes' error responses. */
export const gaiaAssetErrors = {
  400: json(GaiaDetailSchema, 'Malformed JSON, or text the platform refuses (NUL, unpaired surrogates)'),
  403: json(GaiaDetailSchema, 'The caller lacks the permission'),
  404: json(GaiaDetailSchema, 'No such asset (or it is not the caller’s)'),
  422: json(GaiaValidationErrorSchema, 'A missing or invalid field (FastAPI list)'),
  500: json(GaiaDetailSchema, 'Unexpected failure'),
  503: json(GaiaDetailSchema, 'The service is not ready'),
} as const;

/** GAIA's asset id in the path: any text (a non-UUID is simply not found). */
export const AssetIdParamsSchema = z.object({
  asset_id: z.string().openapi({ param: { name: 'asset_id', in: 'path' }, description: 'Lowercase UUID' }),
});
