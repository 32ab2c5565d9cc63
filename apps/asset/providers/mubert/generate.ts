import { z } from 'zod';
import { download, type HttpCall, requestJson } from '../http.ts';
import { pollTask } from '../poll.ts';
import { downloadCap, priceOf } from '../runtime.ts';
import { toGeneratedFile } from '../sniff.ts';
import { type GenerationRequest, type GenerationResult, type ProviderContext, ProviderError } from '../types.ts';
import { MUBERT_BASE_URL, MUBERT_PROVIDER, type MubertSettings, mubertHeaders, trackUrl, tracksUrl } from './api.ts';

const GenerationSchema = z.object({ format: z.string().nullish(), bitrate: z.number().nullish(), status: z.string(), url: z.string().nullish() });
const TrackSchema = z.object({
  id: z.string(),
  bpm: z.number().nullish(),
  key: z.string().nullish(),
  generations: z.array(GenerationSchema).default([]),
});
/** API v3 wraps the track in `data`. */
const TrackAnswer = z.object({ data: TrackSchema });
type Track = z.infer<typeof TrackSchema>;

const MAX_PROMPT = 200;
const DURATION: Record<string, number> = { low: 15, medium: 30, high: 60, ultra: 60 };
const DONE = new Set(['done', 'completed', 'success']);
const FAILED = new Set(['failed', 'error']);

/** Mubert's intensity from the style: calm styles low, energetic ones high, medium otherwise. */
function intensityOf(style: string): 'low' | 'medium' | 'high' {
  if (/calm|ambient|chill|soft|relax|peaceful|lo-?fi/i.test(style)) return 'low';
  if (/energetic|intense|epic|action|battle|fast|aggressive/i.test(style)) return 'high';
  return 'medium';
}

/** The track request: a prompt of at most 200 characters, length and bitrate by quality, mp3 unless wav is asked for. */
export function trackRequest(request: GenerationRequest): Record<string, unknown> {
  const quality = request.requirements.quality ?? 'medium';
  return {
    prompt: request.prompt.slice(0, MAX_PROMPT),
    duration: DURATION[quality],
    bitrate: quality === 'high' || quality === 'ultra' ? 320 : 128,
    format: request.requirements.format?.toLowerCase() === 'wav' ? 'wav' : 'mp3',
    intensity: intensityOf(request.style),
    mode: /\bloop(s|ing|able)?\b|seamless/i.test(`${request.style} ${request.description}`) ? 'loop' : 'track',
  };
}

/**
 * A track from Mubert's Music API v3: `POST /public/tracks` → track id → poll `GET /public/tracks/{id}` until its
 * generation is done → download the audio from the generation's URL.
 */
export async function generateWithMubert(settings: MubertSettings, request: GenerationRequest, context: ProviderContext): Promise<GenerationResult> {
  const baseUrl = settings.baseUrl ?? MUBERT_BASE_URL;
  const call: HttpCall = {
    provider: MUBERT_PROVIDER,
    what: 'create track',
    reliability: settings.runtime.reliability,
    signal: context.signal,
    logger: context.logger,
    reading: { credentials: 'MUBERT_CUSTOMER_ID and MUBERT_ACCESS_TOKEN' },
  };
  const body = trackRequest(request);
  const created = await requestJson(call, tracksUrl(baseUrl), { method: 'POST', headers: mubertHeaders(settings), body: JSON.stringify(body) }, TrackAnswer);
  const trackId = created.data.id;
  context.onProgress(10, `track ${trackId}`);
  const { track, url } = await pollTask<{ track: Track; url: string }>({
    provider: MUBERT_PROVIDER,
    taskId: trackId,
    intervalMs: settings.runtime.poll.intervalMs,
    timeoutMs: settings.runtime.poll.timeoutMs,
    context,
    async check() {
      const { data } = await requestJson({ ...call, what: `get track ${trackId}` }, trackUrl(baseUrl, trackId), { headers: mubertHeaders(settings) }, TrackAnswer);
      const generation = data.generations.find((g) => g.format === body.format) ?? data.generations[0];
      const status = generation?.status.toLowerCase() ?? 'pending';
      if (FAILED.has(status)) throw new ProviderError(MUBERT_PROVIDER, 'retryable', `mubert track ${trackId} failed to generate`);
      if (DONE.has(status) && generation?.url) return { done: true, value: { track: data, url: generation.url } };
      return { done: false, message: status };
    },
  });
  context.onProgress(90, 'downloading');
  const { bytes } = await download(call, url, downloadCap(settings.runtime, request));
  const file = toGeneratedFile(MUBERT_PROVIDER, 'audio', bytes);
  context.onProgress(100, 'done');
  return {
    files: [file],
    costUsd: priceOf(settings.runtime, MUBERT_PROVIDER, request),
    model: 'mubert-v3',
    metadata: { trackId, duration: body.duration, mode: body.mode, intensity: body.intensity, bpm: track.bpm, key: track.key, license: 'royalty-free (Mubert)' },
  };
}
