import { z } from 'zod';

/** The gateway's answers the UI reads (only the fields it uses; unknown fields are ignored). */

export const ModelsSchema = z.object({
  models: z.array(z.object({ id: z.string(), name: z.string(), provider: z.string(), default: z.boolean() })),
});
export type Model = z.infer<typeof ModelsSchema>['models'][number];

export const PersonasSchema = z.object({
  personas: z.array(z.object({ id: z.string(), name: z.string(), description: z.string() })),
});
export type Persona = z.infer<typeof PersonasSchema>['personas'][number];

export const ConversationsSchema = z.object({
  conversations: z.array(z.object({ id: z.string(), title: z.string(), preview: z.string(), updated_at: z.string() })),
});
export type Conversation = z.infer<typeof ConversationsSchema>['conversations'][number];

export const MessagesSchema = z.object({
  messages: z.array(
    z.object({
      id: z.string(),
      role: z.enum(['user', 'assistant']),
      content: z.string(),
      model: z.string().nullable(),
      provider: z.string().nullable(),
      created_at: z.string(),
    }),
  ),
});
export type Message = z.infer<typeof MessagesSchema>['messages'][number];

export const KbSearchSchema = z.object({
  results: z.array(z.object({ path: z.string(), title: z.string(), heading: z.string(), snippet: z.string(), score: z.number() })),
});
export type KbHit = z.infer<typeof KbSearchSchema>['results'][number];

export const KbTreeSchema = z.object({
  path: z.string(),
  entries: z.array(z.object({ path: z.string(), name: z.string(), type: z.enum(['file', 'dir']), title: z.string().nullable() })),
});
export type KbEntry = z.infer<typeof KbTreeSchema>['entries'][number];

export const KbDocumentSchema = z.object({
  path: z.string(),
  title: z.string(),
  content: z.string(),
  last_commit: z.object({ message: z.string(), author: z.object({ name: z.string() }), timestamp: z.string() }).nullable(),
});
export type KbDocument = z.infer<typeof KbDocumentSchema>;

/**
 * A successful gateway response's JSON, checked against `schema`; `null` when the body is not what the API documents.
 * @example const models = await readJson(res, ModelsSchema);
 */
export async function readJson<T extends z.ZodType>(res: Response, schema: T): Promise<z.infer<T> | null> {
  const parsed = schema.safeParse(await res.json().catch(() => undefined));
  return parsed.success ? parsed.data : null;
}

const AssetSummarySchema = z.object({
  id: z.string(),
  kind: z.string(),
  file_format: z.string(),
  content_type: z.string(),
  size_bytes: z.number(),
  preview_url: z.string().nullable(),
  files: z.array(z.object({ name: z.string(), content_type: z.string(), size_bytes: z.number() })),
});

/** An asset job as the native jobs API answers it (`/api/v1/assets/jobs`). */
export const AssetJobSchema = z.object({
  id: z.string(),
  state: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z.number(),
  progress_message: z.string().nullable(),
  category: z.string(),
  kind: z.string(),
  style: z.string(),
  description: z.string(),
  provider: z.string(),
  estimated_cost: z.number(),
  cost: z.number().nullable(),
  source: z.enum(['generated', 'database']).nullable(),
  asset_id: z.string().nullable(),
  asset: AssetSummarySchema.nullable(),
  error: z.object({ message: z.string() }).nullable(),
  created_at: z.string(),
});
export type AssetJob = z.infer<typeof AssetJobSchema>;

export const AssetJobPageSchema = z.object({ jobs: z.array(AssetJobSchema), next_cursor: z.string().nullable() });

/** One event of `GET /api/v1/assets/jobs/{id}/events`. */
export const AssetJobEventSchema = z.object({ type: z.string(), job: AssetJobSchema });

const BudgetPeriodSchema = z.object({ limit: z.number(), spent: z.number(), reserved: z.number(), remaining: z.number(), resets_at: z.string() });
export const AssetBudgetSchema = z.object({ daily: BudgetPeriodSchema, monthly: BudgetPeriodSchema });
export type AssetBudget = z.infer<typeof AssetBudgetSchema>;
