import { toUsd } from '../domain/money.ts';
import type { AssetRecord } from '../store/assets.ts';
import { downloadPath, linkTo, previewPath } from './links.ts';

/** GAIA's Asset (GAIA-API §11): exactly these keys. */
export interface GaiaAsset {
  asset_id: string;
  source: 'database' | 'hybrid' | 'generated' | 'external';
  cost: number;
  response_time_ms: number;
  asset_data: {
    download_url: string;
    preview_image_url: string | null;
    file_format: string;
    file_size_mb: number;
    quality_score: number;
    license_type: 'creative_commons' | 'public_domain' | 'custom' | 'commercial' | 'proprietary';
    attribution_required: boolean;
  };
  storage_info: {
    storage_type: 'supabase' | 'external' | 'generated';
    bucket_name: string | null;
    file_path: string;
    external_source: string | null;
  };
  metadata: Record<string, unknown>;
  cost_breakdown: {
    generation_cost: number;
    search_cost: number;
    modification_cost: number;
    storage_cost: number;
    total_cost: number;
  };
}

/** The requested quality tier as GAIA's 0–1 `quality_score`. */
const QUALITY_SCORE: Record<string, number> = { low: 0.5, medium: 0.7, high: 0.85, ultra: 0.95 };

export interface GaiaAssetOptions {
  baseUrl: string;
  /** The Supabase bucket, when files live there (`storage_type: supabase`). */
  bucket?: string | null;
  /**
   * How this response came about: `generated` (this request made it), `database` (an existing asset was returned:
   * reuse or the same request again). Default: how the asset was first made.
   */
  source?: 'generated' | 'database';
  /** What this request cost (0 for a reuse); default the asset's own generation cost. */
  costMicros?: number;
  responseTimeMs?: number;
}

/**
 * An asset record in GAIA's shape. Files in local storage or S3 report `storage_type: generated` (GAIA's value for
 * "made by the platform"), Supabase Storage `supabase` with its bucket.
 * @example c.json(gaiaAsset(asset, { baseUrl: '', source: 'generated', responseTimeMs: 5200 }))
 */
export function gaiaAsset(asset: AssetRecord, options: GaiaAssetOptions): GaiaAsset {
  const source = options.source ?? asset.source;
  const cost = toUsd(options.costMicros ?? (source === 'database' ? 0 : asset.costMicros));
  const supabase = asset.storageKind === 'supabase';
  return {
    asset_id: asset.id,
    source,
    cost,
    response_time_ms: Math.round(options.responseTimeMs ?? asset.generationMs),
    asset_data: {
      download_url: linkTo(options.baseUrl, downloadPath(asset.id)),
      preview_image_url: asset.previewKey ? linkTo(options.baseUrl, previewPath(asset.id)) : null,
      file_format: asset.fileFormat,
      file_size_mb: Math.round((asset.sizeBytes / (1024 * 1024)) * 1e6) / 1e6,
      quality_score: QUALITY_SCORE[asset.quality ?? 'medium'] ?? 0.7,
      license_type: 'proprietary',
      attribution_required: false,
    },
    storage_info: {
      storage_type: supabase ? 'supabase' : 'generated',
      bucket_name: supabase ? (options.bucket ?? null) : null,
      file_path: asset.fileKey,
      external_source: null,
    },
    metadata: {
      category: asset.category,
      style: asset.style,
      description: asset.description,
      tags: asset.tags,
      created_at: asset.createdAt.toISOString(),
      ...(asset.sessionId ? { session_id: asset.sessionId } : {}),
    },
    cost_breakdown: { generation_cost: cost, search_cost: 0, modification_cost: 0, storage_cost: 0, total_cost: cost },
  };
}
