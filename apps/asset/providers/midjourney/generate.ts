import { z } from 'zod';
import { download, type HttpCall, requestJson } from '../http.ts';
import { pollTask } from '../poll.ts';
import { downloadCap, priceOf } from '../runtime.ts';
import { toGeneratedFile } from '../sniff.ts';
import { type GenerationRequest, type GenerationResult, type ProviderContext, ProviderError } from '../types.ts';
import { fetchTaskUrl, MIDJOURNEY_PROVIDER, type MidjourneySettings, midjourneyHeaders, SUBMIT_ACCEPTED, SUBMIT_BANNED, SUBMIT_BUSY, submitActionUrl, submitImagineUrl } from './api.ts';
import { signedState } from './webhook.ts';

const SubmitSchema = z.object({ code: z.number(), description: z.string().optional(), result: z.union([z.string(), z.number()]).nullish() });

const TaskSchema = z.object({
  id: z.string(),
  status: z.string().nullish(),
  progress: z.string().nullish(),
  imageUrl: z.string().nullish(),
  failReason: z.string().nullish(),
  buttons: z.array(z.object({ customId: z.string(), label: z.string().nullish(), emoji: z.string().nullish() })).nullish(),
});
type Task = z.infer<typeof TaskSchema>;

/** A failure the prompt caused (banned words, moderation) cannot be fixed by trying again. */
const REFUSAL = /banned|forbidden|invalid|not allowed|moderat|policy/i;

async function submit(call: HttpCall, settings: MidjourneySettings, url: string, body: Record<string, unknown>): Promise<string> {
  const hook = settings.notifyUrl && settings.webhookSecret ? { notifyHook: settings.notifyUrl, state: signedState(settings.webhookSecret) } : {};
  const answer = await requestJson(call, url, { method: 'POST', headers: midjourneyHeaders(settings), body: JSON.stringify({ ...body, ...hook }) }, SubmitSchema);
  const reason = answer.description ?? `code ${answer.code}`;
  if (SUBMIT_ACCEPTED.has(answer.code) && answer.result != null) return String(answer.result);
  if (answer.code === SUBMIT_BUSY) throw new ProviderError(MIDJOURNEY_PROVIDER, 'retryable', `midjourney proxy is busy: ${reason}`);
  if (answer.code === SUBMIT_BANNED) throw new ProviderError(MIDJOURNEY_PROVIDER, 'refused', `midjourney refused the prompt: ${reason}`);
  throw new ProviderError(MIDJOURNEY_PROVIDER, answer.code === 9 ? 'retryable' : 'refused', `midjourney proxy did not accept the task: ${reason}`);
}

/** Polls a task to SUCCESS, its progress mapped into [from, to]. */
function awaitTask(call: HttpCall, settings: MidjourneySettings, taskId: string, context: ProviderContext, [from, to]: [number, number]): Promise<Task> {
  return pollTask({
    provider: MIDJOURNEY_PROVIDER,
    taskId,
    intervalMs: settings.runtime.poll.intervalMs,
    timeoutMs: settings.runtime.poll.timeoutMs,
    context,
    scale: (percent) => from + ((to - from) * percent) / 100,
    async check() {
      const task = await requestJson({ ...call, what: `fetch task ${taskId}` }, fetchTaskUrl(settings.baseUrl, taskId), { headers: midjourneyHeaders(settings) }, TaskSchema);
      if (task.status === 'SUCCESS') return { done: true, value: task };
      if (task.status === 'FAILURE' || task.status === 'CANCEL') {
        const reason = task.failReason || (task.status === 'CANCEL' ? 'cancelled at the proxy' : 'no reason given');
        throw new ProviderError(MIDJOURNEY_PROVIDER, task.status === 'CANCEL' || REFUSAL.test(reason) ? 'refused' : 'retryable', `midjourney task ${taskId} failed: ${reason}`);
      }
      const percent = Number.parseInt(task.progress ?? '', 10);
      return { done: false, ...(Number.isFinite(percent) ? { percent } : {}), message: task.status ?? 'waiting' };
    },
  });
}

/**
 * The grid's first image upscaled (its `U1` button through `/mj/submit/action`); undefined when the grid has no such
 * button or the proxy has no action route (older proxies), so the grid itself is the result.
 */
async function upscaleFirst(call: HttpCall, settings: MidjourneySettings, grid: Task, context: ProviderContext): Promise<Task | undefined> {
  const button = grid.buttons?.find((b) => /::upsample::1::/.test(b.customId));
  if (!button) return undefined;
  let upscaleId: string;
  try {
    upscaleId = await submit({ ...call, what: 'submit upscale' }, settings, submitActionUrl(settings.baseUrl), { customId: button.customId, taskId: grid.id });
  } catch (err) {
    if (!(err instanceof ProviderError) || err.kind !== 'refused') throw err;
    context.logger.warn('midjourney upscale not available, keeping the grid', { taskId: grid.id, error: err.message });
    return undefined;
  }
  context.onProgress(65, `upscale task ${upscaleId}`);
  return awaitTask(call, settings, upscaleId, context, [65, 90]);
}

/**
 * Midjourney through a midjourney-proxy API: submit `/imagine` → task id → poll the task (or wake on the proxy's
 * signed callback) → upscale the first image of the grid (its `U1` button) → download the single image.
 */
export async function generateWithMidjourney(settings: MidjourneySettings, request: GenerationRequest, context: ProviderContext): Promise<GenerationResult> {
  const call: HttpCall = {
    provider: MIDJOURNEY_PROVIDER,
    what: 'submit imagine',
    reliability: settings.runtime.reliability,
    signal: context.signal,
    logger: context.logger,
    reading: { credentials: 'MIDJOURNEY_PROXY_TOKEN' },
  };
  const prompt = request.kind === 'texture' ? `${request.prompt} --tile` : request.prompt;
  const imagineId = await submit(call, settings, submitImagineUrl(settings.baseUrl), { prompt });
  context.onProgress(5, `imagine task ${imagineId}`);
  const grid = await awaitTask(call, settings, imagineId, context, [10, 60]);
  const final = (await upscaleFirst(call, settings, grid, context)) ?? grid;
  if (!final.imageUrl) throw new ProviderError(MIDJOURNEY_PROVIDER, 'retryable', `midjourney task ${final.id} succeeded without an imageUrl`);
  const { bytes } = await download(call, final.imageUrl, downloadCap(settings.runtime, request));
  const file = toGeneratedFile(MIDJOURNEY_PROVIDER, request.kind, bytes);
  context.onProgress(100, 'done');
  return {
    files: [file],
    costUsd: priceOf(settings.runtime, MIDJOURNEY_PROVIDER, request),
    model: 'midjourney',
    metadata: { imagineTaskId: imagineId, taskId: final.id, upscaled: final !== grid },
  };
}
