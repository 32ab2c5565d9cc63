import { z } from '@hono/zod-openapi';
import { QUALITIES } from '../domain/request.ts';
import { ASSET_CATEGORIES } from '../providers/types.ts';

/** `application/json` content for a response or body schema. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** GAIA's `requirements` (all optional here: a missing one means "no constraint"). */
export const RequirementsSchema = z
  .object({
    platform: z.string().max(100).nullish(),
    quality: z.enum(QUALITIES).nullish(),
    polygon_count_max: z.number().int().positive().max(100_000_000).nullish(),
    file_size_max_mb: z.number().positive().max(100_000).nullish(),
    format: z.string().max(20).nullish().openapi({ description: 'e.g. png, wav, glb: only existing assets of this format are reused' }),
  })
  .openapi('AssetRequirements');

/** GAIA's `preferences`. */
export const PreferencesSchema = z
  .object({
    allow_database: z.boolean().nullish().openapi({ description: 'Reuse an existing asset when one matches (default true)' }),
    allow_modifications: z.boolean().nullish().openapi({ description: 'Accepted; existing assets are returned as they are' }),
    allow_generation: z.boolean().nullish().openapi({ description: 'Generate when nothing matches (default true)' }),
    max_cost: z.number().min(0).max(100_000).nullish().openapi({ description: 'USD: refuse (402) a generation estimated above this' }),
    max_wait_time_ms: z.number().int().positive().max(3_600_000).nullish().openapi({ description: 'How long generate waits (capped by the service)' }),
  })
  .openapi('AssetPreferences');

/** GAIA's generate body (GAIA-API §11); unknown fields are ignored. */
export const AssetRequestSchema = z
  .object({
    category: z.enum(ASSET_CATEGORIES),
    style: z.string().max(200),
    description: z.string().trim().min(1, 'must not be empty').max(2000),
    requirements: RequirementsSchema.nullish(),
    preferences: PreferencesSchema.nullish(),
    session_id: z.string().max(200).nullish(),
  })
  .openapi('AssetRequest');
export type AssetRequestBody = z.infer<typeof AssetRequestSchema>;

/** An asset or job id in the path: any text (one that is no UUID is simply not found). */
export const IdParamsSchema = z.object({
  id: z.string().max(100).openapi({ param: { name: 'id', in: 'path' }, description: 'Lowercase UUID' }),
});
