import { z } from 'zod';
import { download, type HttpCall, requestJson } from '../http.ts';
import { pollTask } from '../poll.ts';
import { downloadCap, priceOf } from '../runtime.ts';
import { toGeneratedFile } from '../sniff.ts';
import { type GeneratedFile, type GenerationRequest, type GenerationResult, type ProviderContext, ProviderError } from '../types.ts';
import { MESHY_BASE_URL, MESHY_PROVIDER, type MeshySettings, meshyHeaders, textTo3dTaskUrl, textTo3dUrl } from './api.ts';

const CreatedSchema = z.object({ result: z.string().min(1) });
const ModelUrls = z.object({ glb: z.string().nullish() }).passthrough();
const TaskSchema = z.object({
  id: z.string(),
  status: z.string(),
  progress: z.number().nullish(),
  model_urls: ModelUrls.nullish(),
  thumbnail_url: z.string().nullish(),
  task_error: z.object({ message: z.string().nullish() }).nullish(),
  consumed_credits: z.number().nullish(),
  /** The unified v2 task object nests the results here. */
  output: z.object({ model_urls: ModelUrls.nullish(), thumbnail_url: z.string().nullish() }).nullish(),
});
type Task = z.infer<typeof TaskSchema>;

const MAX_PROMPT = 600;
const POLYCOUNT: Record<string, number> = { low: 10_000, medium: 30_000, high: 100_000, ultra: 300_000 };
const REFUSAL = /moderat|policy|inappropriate|not allowed|nsfw/i;

/** The preview task: the prompt (≤ 600 characters), remeshed to triangles within `polygon_count_max` (100 … 300 000). */
export function previewRequest(request: GenerationRequest, aiModel: string): Record<string, unknown> {
  const wanted = request.requirements.polygonCountMax ?? POLYCOUNT[request.requirements.quality ?? 'medium']!;
  return {
    mode: 'preview',
    prompt: request.prompt.slice(0, MAX_PROMPT),
    ai_model: aiModel,
    should_remesh: true,
    topology: 'triangle',
    target_polycount: Math.min(Math.max(Math.floor(wanted), 100), 300_000),
  };
}

/** The thumbnail Meshy renders, as a second file; a failure to fetch it does not fail the generation. */
async function thumbnail(call: HttpCall, url: string | null | undefined, context: ProviderContext): Promise<GeneratedFile[]> {
  if (!url) return [];
  try {
    const { bytes } = await download(call, url, 10 * 1024 * 1024);
    return [{ ...toGeneratedFile(MESHY_PROVIDER, 'image', bytes), name: 'preview.png' }];
  } catch (err) {
    context.signal.throwIfAborted();
    context.logger.warn('meshy thumbnail not fetched', { error: err instanceof Error ? err.message : String(err) });
    return [];
  }
}

/**
 * A 3D model from Meshy's text-to-3D API: a preview task (`POST /openapi/v2/text-to-3d`) → poll
 * `GET …/{id}` with Meshy's own progress (or wake on its verified webhook) → download `model_urls.glb` (and the
 * thumbnail).
 */
export async function generateWithMeshy(settings: MeshySettings, request: GenerationRequest, context: ProviderContext): Promise<GenerationResult> {
  const baseUrl = settings.baseUrl ?? MESHY_BASE_URL;
  const aiModel = settings.aiModel ?? 'latest';
  const call: HttpCall = {
    provider: MESHY_PROVIDER,
    what: 'create text-to-3d task',
    reliability: settings.runtime.reliability,
    signal: context.signal,
    logger: context.logger,
    reading: { credentials: 'MESHY_API_KEY' },
  };
  const headers = meshyHeaders(settings.apiKey);
  const { result: taskId } = await requestJson(call, textTo3dUrl(baseUrl), { method: 'POST', headers, body: JSON.stringify(previewRequest(request, aiModel)) }, CreatedSchema);
  context.onProgress(5, `task ${taskId}`);
  const task = await pollTask<Task>({
    provider: MESHY_PROVIDER,
    taskId,
    intervalMs: settings.runtime.poll.intervalMs,
    timeoutMs: settings.runtime.poll.timeoutMs,
    context,
    async check() {
      const task = await requestJson({ ...call, what: `get task ${taskId}` }, textTo3dTaskUrl(baseUrl, taskId), { headers }, TaskSchema);
      if (task.status === 'SUCCEEDED') return { done: true, value: task };
      if (task.status === 'FAILED' || task.status === 'CANCELED' || task.status === 'EXPIRED') {
        const reason = task.task_error?.message || task.status.toLowerCase();
        throw new ProviderError(MESHY_PROVIDER, task.status === 'FAILED' && !REFUSAL.test(reason) ? 'retryable' : 'refused', `meshy task ${taskId} ${task.status.toLowerCase()}: ${reason}`);
      }
      return { done: false, ...(task.progress == null ? {} : { percent: task.progress }), message: task.status };
    },
  });
  const glb = task.model_urls?.glb ?? task.output?.model_urls?.glb;
  if (!glb) throw new ProviderError(MESHY_PROVIDER, 'retryable', `meshy task ${taskId} succeeded without a GLB (model_urls.glb)`);
  const { bytes } = await download(call, glb, downloadCap(settings.runtime, request));
  const model = toGeneratedFile(MESHY_PROVIDER, 'model3d', bytes);
  const preview = await thumbnail(call, task.thumbnail_url ?? task.output?.thumbnail_url, context);
  context.onProgress(100, 'done');
  return {
    files: [model, ...preview],
    costUsd: priceOf(settings.runtime, MESHY_PROVIDER, request),
    model: `meshy/${aiModel}`,
    metadata: { taskId, consumedCredits: task.consumed_credits ?? null },
  };
}
