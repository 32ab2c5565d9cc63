import { APIConnectionError, APIError, APIUserAbortError, type OpenAI } from 'openai';
import type { ImageGenerateParamsNonStreaming } from 'openai/resources/images';
import { networkError, statusError } from '../errors.ts';
import { withRetries } from '../retry.ts';
import { downloadCap, priceOf } from '../runtime.ts';
import { toGeneratedFile } from '../sniff.ts';
import { type GenerationRequest, type GenerationResult, type ProviderContext, ProviderError } from '../types.ts';
import { OPENAI_IMAGE_MODEL, OPENAI_PROVIDER, type OpenAiImagesSettings } from './api.ts';

/** The Images API request for `request` on `model`: square 1024, PNG, quality mapped per model family. */
export function imageParams(request: GenerationRequest, model: string): ImageGenerateParamsNonStreaming {
  const quality = request.requirements.quality;
  const base = { model, prompt: request.prompt, n: 1, size: '1024x1024' } as const;
  if (model === 'dall-e-2') return { ...base, response_format: 'b64_json' };
  if (model.startsWith('dall-e')) return { ...base, response_format: 'b64_json', quality: quality === 'high' || quality === 'ultra' ? 'hd' : 'standard' };
  const gptQuality = quality === 'ultra' ? 'high' : quality;
  return { ...base, output_format: 'png', ...(gptQuality ? { quality: gptQuality } : {}) };
}

/** An SDK error as a classified provider error (aborts pass through: the retry loop knows why it aborted). */
function fromSdk(err: unknown): unknown {
  if (err instanceof APIError && err.status !== undefined) {
    return statusError(OPENAI_PROVIDER, err.status, JSON.stringify(err.error ?? { message: err.message }), err.headers ?? new Headers(), { credentials: 'OPENAI_API_KEY' });
  }
  if (err instanceof APIConnectionError && !(err instanceof APIUserAbortError)) return networkError(OPENAI_PROVIDER, err);
  return err;
}

/**
 * One image from OpenAI's Images API through the official SDK (`images.generate`, base64 JSON), retried on
 * 429/5xx/timeouts; the job's signal aborts the HTTP request.
 */
export async function generateWithOpenAi(client: OpenAI, settings: OpenAiImagesSettings, request: GenerationRequest, context: ProviderContext): Promise<GenerationResult> {
  const model = settings.model ?? OPENAI_IMAGE_MODEL;
  const call = { provider: OPENAI_PROVIDER, what: 'images.generate', reliability: settings.runtime.reliability, signal: context.signal, logger: context.logger };
  context.onProgress(10, `asking ${model}`);
  const response = await withRetries(call, (signal) => client.images.generate(imageParams(request, model), { signal }).catch((err: unknown) => Promise.reject(fromSdk(err))));
  const image = response.data?.[0];
  if (!image?.b64_json) throw new ProviderError(OPENAI_PROVIDER, 'retryable', 'openai answered without an image (no data[0].b64_json)');
  context.onProgress(90, 'received');
  const bytes = Buffer.from(image.b64_json, 'base64');
  const cap = downloadCap(settings.runtime, request);
  if (bytes.length > cap) throw new ProviderError(OPENAI_PROVIDER, 'refused', `openai sent an image of ${bytes.length} bytes, above the limit of ${cap}: raise file_size_max_mb`);
  const file = toGeneratedFile(OPENAI_PROVIDER, request.kind, bytes);
  context.onProgress(100, 'done');
  const metadata: Record<string, unknown> = { created: response.created };
  if (image.revised_prompt) metadata.revisedPrompt = image.revised_prompt;
  if (response.usage) metadata.usage = response.usage;
  return { files: [file], costUsd: priceOf(settings.runtime, OPENAI_PROVIDER, request), model, metadata };
}
