import { z } from '@hono/zod-openapi';
import { JOB_STATES } from '../../store/jobs.ts';
import { AssetRequestSchema } from '../schemas.ts';

/** An asset as the native API shows it. */
export const AssetSummarySchema = z
  .object({
    id: z.string(),
    source: z.enum(['generated', 'database']),
    visibility: z.enum(['private', 'public']),
    category: z.string(),
    kind: z.string(),
    style: z.string(),
    description: z.string(),
    file_format: z.string(),
    content_type: z.string(),
    size_bytes: z.number().int(),
    download_url: z.string(),
    preview_url: z.string().nullable(),
    files: z.array(z.object({ name: z.string(), content_type: z.string(), format: z.string(), size_bytes: z.number().int() })),
    cost: z.number().openapi({ description: 'USD the generation cost' }),
    created_at: z.string(),
  })
  .openapi('AssetSummary');

/** A generation job. */
export const JobSchema = z
  .object({
    id: z.string(),
    state: z.enum(JOB_STATES),
    progress: z.number().int().openapi({ description: '0–100' }),
    progress_message: z.string().nullable(),
    category: z.string(),
    kind: z.string(),
    style: z.string(),
    description: z.string(),
    provider: z.string(),
    visibility: z.enum(['private', 'public']),
    session_id: z.string().nullable(),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    estimated_cost: z.number().openapi({ description: 'USD, reserved against the budgets while the job runs' }),
    cost: z.number().nullable().openapi({ description: 'USD actually spent, once finished' }),
    source: z.enum(['generated', 'database']).nullable(),
    asset_id: z.string().nullable(),
    asset: AssetSummarySchema.nullable(),
    error: z
      .object({ code: z.string(), message: z.string(), detail: z.string().nullable() })
      .nullable()
      .openapi({ description: 'Why the job failed (or, while queued again, why the last attempt did)' }),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi('AssetJob');

/** The native create body: GAIA's request plus a provider override and visibility. */
export const JobRequestSchema = AssetRequestSchema.extend({
  provider: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'must be a provider name, e.g. local')
    .nullish()
    .openapi({ description: 'Use this provider instead of the category’s route' }),
  visibility: z
    .enum(['private', 'public'])
    .nullish()
    .openapi({ description: '`public` assets may be reused for other users’ requests (default private)' }),
}).openapi('AssetJobRequest');
