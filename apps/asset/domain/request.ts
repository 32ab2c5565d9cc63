import type { AssetCategory, AssetKind, GenerationRequest } from '../providers/types.ts';

/** What a provider makes for each of GAIA's categories: environment, character, prop and animation are 3D models. */
export const KIND_OF: Readonly<Record<AssetCategory, AssetKind>> = {
  environment: 'model3d',
  character: 'model3d',
  prop: 'model3d',
  animation: 'model3d',
  texture: 'texture',
  image: 'image',
  audio: 'audio',
};

export const QUALITIES = ['low', 'medium', 'high', 'ultra'] as const;
export type Quality = (typeof QUALITIES)[number];

/** A generation request as both APIs take it (GAIA's field names; validated by the routes' zod schemas). */
export interface AssetRequestInput {
  category: AssetCategory;
  style: string;
  description: string;
  /** GAIA clients may send `null` for any optional field: it means the same as leaving it out. */
  requirements?: Maybe<{
    platform?: Maybe<string>;
    quality?: Maybe<Quality>;
    polygon_count_max?: Maybe<number>;
    file_size_max_mb?: Maybe<number>;
    format?: Maybe<string>;
  }>;
  preferences?: Maybe<{
    allow_database?: Maybe<boolean>;
    allow_modifications?: Maybe<boolean>;
    allow_generation?: Maybe<boolean>;
    max_cost?: Maybe<number>;
    max_wait_time_ms?: Maybe<number>;
  }>;
  session_id?: Maybe<string>;
  /** Native API only: a provider by name instead of the category's route. */
  provider?: Maybe<string>;
  /** Native API only: `public` assets may be reused by other users' requests. */
  visibility?: Maybe<'private' | 'public'>;
}

type Maybe<T> = T | null | undefined;

/** A request made ready for the queue: normalised text, the provider's view, and the dedup hash. */
export interface NormalizedRequest {
  generation: GenerationRequest;
  /** Hex SHA-256 of the normalised request (category, style, description, requirements, provider override). */
  hash: string;
  allowDatabase: boolean;
  allowGeneration: boolean;
  /** USD, when the caller capped the cost. */
  maxCostUsd?: number;
  maxWaitMs?: number;
  sessionId?: string;
  providerOverride?: string;
  visibility: 'private' | 'public';
}

/** Lowercase, trimmed, inner whitespace collapsed: two spellings of the same request hash alike. */
export const normalizeText = (text: string) => text.normalize('NFC').trim().replace(/\s+/g, ' ');

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function promptOf(category: AssetCategory, style: string, description: string, requirements: GenerationRequest['requirements']): string {
  const parts = [style ? `${description} (${style} style, ${category})` : `${description} (${category})`];
  if (requirements.quality) parts.push(`${requirements.quality} quality`);
  if (requirements.platform) parts.push(`for ${requirements.platform}`);
  if (requirements.polygonCountMax) parts.push(`at most ${requirements.polygonCountMax} polygons`);
  return parts.join(', ');
}

/**
 * Normalises a validated request: the category's kind, the prompt text-to-X providers send, a seed and the dedup
 * hash (the same request by the same user is served from the asset it already made).
 * @example const normalized = await normalizeRequest({ category: 'image', style: 'watercolor', description: 'a fox' });
 */
export async function normalizeRequest(input: AssetRequestInput): Promise<NormalizedRequest> {
  const style = normalizeText(input.style);
  const description = normalizeText(input.description);
  const r = input.requirements ?? {};
  const requirements: GenerationRequest['requirements'] = {
    ...(r.platform ? { platform: normalizeText(r.platform) } : {}),
    ...(r.quality ? { quality: r.quality } : {}),
    ...(r.polygon_count_max != null ? { polygonCountMax: r.polygon_count_max } : {}),
    ...(r.file_size_max_mb != null ? { fileSizeMaxMb: r.file_size_max_mb } : {}),
    ...(r.format ? { format: normalizeText(r.format).toLowerCase() } : {}),
  };
  const providerOverride = input.provider ? input.provider.trim().toLowerCase() : undefined;
  const hash = await sha256Hex(
    JSON.stringify([
      input.category,
      style.toLowerCase(),
      description.toLowerCase(),
      Object.entries(requirements).sort(([a], [b]) => a.localeCompare(b)),
      providerOverride ?? '',
    ]),
  );
  const p = input.preferences ?? {};
  return {
    generation: {
      category: input.category,
      kind: KIND_OF[input.category],
      style,
      description,
      prompt: promptOf(input.category, style, description, requirements),
      requirements,
      seed: hash.slice(0, 16),
    },
    hash,
    allowDatabase: p.allow_database ?? true,
    allowGeneration: p.allow_generation ?? true,
    ...(p.max_cost != null ? { maxCostUsd: p.max_cost } : {}),
    ...(p.max_wait_time_ms != null ? { maxWaitMs: p.max_wait_time_ms } : {}),
    ...(input.session_id ? { sessionId: input.session_id } : {}),
    ...(providerOverride ? { providerOverride } : {}),
    visibility: input.visibility ?? 'private',
  };
}
