import { createHash } from 'node:crypto';
import { requestBytes } from '../http.ts';
import { downloadCap, priceOf } from '../runtime.ts';
import { toGeneratedFile } from '../sniff.ts';
import { type GenerationRequest, type GenerationResult, type ProviderContext, ProviderError } from '../types.ts';
import { generateUrl, STABILITY_BASE_URL, STABILITY_MODEL, STABILITY_PROVIDER, type StabilitySettings, stabilityHeaders } from './api.ts';

/** Stability's style presets a GAIA style names (Stable Image Core takes `style_preset`). */
const STYLE_PRESETS: [RegExp, string][] = [
  [/pixel|8-?bit|16-?bit/i, 'pixel-art'],
  [/low[- ]?poly/i, 'low-poly'],
  [/anime|manga/i, 'anime'],
  [/photo|realistic/i, 'photographic'],
  [/comic/i, 'comic-book'],
  [/isometric/i, 'isometric'],
  [/line[- ]?art/i, 'line-art'],
  [/fantasy/i, 'fantasy-art'],
  [/cinematic/i, 'cinematic'],
  [/neon|cyberpunk/i, 'neon-punk'],
  [/origami|papercraft/i, 'origami'],
  [/\b3d\b|render/i, '3d-model'],
];

/** A seed in Stability's range (0 … 4294967294) derived from the request's, so the same request asks for the same image. */
const numericSeed = (seed: string): number => createHash('sha256').update(seed).digest().readUInt32LE(0) % 4_294_967_295;

/** The multipart form of a text-to-image request: PNG, square, the texture preset for textures. */
export function stabilityForm(request: GenerationRequest, model: string): FormData {
  const form = new FormData();
  form.set('prompt', request.prompt);
  form.set('output_format', 'png');
  form.set('aspect_ratio', '1:1');
  form.set('seed', String(numericSeed(request.seed)));
  if (model.startsWith('sd3')) form.set('model', model);
  if (model === 'core') {
    const preset = request.kind === 'texture' ? 'tile-texture' : STYLE_PRESETS.find(([pattern]) => pattern.test(request.style))?.[1];
    if (preset) form.set('style_preset', preset);
  }
  return form;
}

/**
 * One image from Stability's v2beta Stable Image API: a multipart/form-data request with `Accept: image/*`, the PNG's
 * bytes back; a result the moderation filtered (`finish-reason: CONTENT_FILTERED`, or a 403) is `refused`.
 */
export async function generateWithStability(settings: StabilitySettings, request: GenerationRequest, context: ProviderContext): Promise<GenerationResult> {
  const model = settings.model ?? STABILITY_MODEL;
  const url = generateUrl(settings.baseUrl ?? STABILITY_BASE_URL, model);
  const call = {
    provider: STABILITY_PROVIDER,
    what: `generate/${model}`,
    reliability: settings.runtime.reliability,
    signal: context.signal,
    logger: context.logger,
    reading: { credentials: 'STABILITY_API_KEY', overrides: { 403: 'refused' as const } },
  };
  context.onProgress(10, `asking stable image ${model}`);
  const { bytes, headers } = await requestBytes(call, url, { method: 'POST', headers: stabilityHeaders(settings.apiKey), body: stabilityForm(request, model) }, downloadCap(settings.runtime, request));
  const finishReason = headers.get('finish-reason') ?? 'SUCCESS';
  if (finishReason === 'CONTENT_FILTERED') {
    throw new ProviderError(STABILITY_PROVIDER, 'refused', 'stability filtered the result (content moderation): change the description');
  }
  context.onProgress(90, 'received');
  const file = toGeneratedFile(STABILITY_PROVIDER, request.kind, bytes);
  context.onProgress(100, 'done');
  return { files: [file], costUsd: priceOf(settings.runtime, STABILITY_PROVIDER, request), model, metadata: { seed: headers.get('seed'), finishReason } };
}
