import { type GenerationRequest, ProviderError } from '../types.ts';

export const LOCAL_PROVIDER = 'local';
/** Named in results' `model`, versioned: a change to the generators that changes bytes gets a new one. */
export const LOCAL_MODEL = 'gaia-procedural-1';

type Quality = NonNullable<GenerationRequest['requirements']['quality']>;
const DEFAULT_QUALITY: Quality = 'medium';

/** Edge of a local image or texture, in pixels, by `requirements.quality`. */
export const IMAGE_SIZE: Record<Quality, number> = { low: 256, medium: 512, high: 1024, ultra: 2048 };

/** A local audio clip's length and sample rate by quality. */
export const AUDIO_FORMAT: Record<Quality, { seconds: number; sampleRate: number }> = {
  low: { seconds: 2, sampleRate: 22_050 },
  medium: { seconds: 4, sampleRate: 22_050 },
  high: { seconds: 6, sampleRate: 44_100 },
  ultra: { seconds: 8, sampleRate: 44_100 },
};

/** How finely a local mesh is tessellated by quality (segments; terrains take it as grid cells a side). */
export const MESH_DETAIL: Record<Quality, number> = { low: 8, medium: 16, high: 32, ultra: 64 };

export const qualityOf = (request: GenerationRequest): Quality => request.requirements.quality ?? DEFAULT_QUALITY;

/** The byte budget of `requirements.fileSizeMaxMb`, or Infinity. */
export const maxBytesOf = (request: GenerationRequest): number =>
  request.requirements.fileSizeMaxMb === undefined ? Number.POSITIVE_INFINITY : request.requirements.fileSizeMaxMb * 1024 * 1024;

/** The refusal when even the smallest file is above `requirements.fileSizeMaxMb`; `what` says what did not fit. */
export const fileTooLarge = (request: GenerationRequest, what: string): ProviderError =>
  new ProviderError(LOCAL_PROVIDER, 'refused', `cannot make ${what} within file_size_max_mb ${request.requirements.fileSizeMaxMb}: raise it`);

/** What a generator gets besides the request: where to report progress (0…1 of its own work) and when to stop. */
export interface Work {
  /** Reports `fraction` (0…1) of this generator's work done. */
  progress(fraction: number): void;
  /** Lets other work run (the generators are CPU-bound) and throws if the job was cancelled meanwhile. */
  checkpoint(): Promise<void>;
}
