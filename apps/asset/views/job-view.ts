import { toUsd } from '../domain/money.ts';
import type { AssetRecord } from '../store/assets.ts';
import type { JobRecord } from '../store/jobs.ts';
import { downloadPath, linkTo, previewPath } from './links.ts';

/** An asset as the native API shows it. */
export interface AssetSummary {
  id: string;
  source: 'generated' | 'database';
  visibility: 'private' | 'public';
  category: string;
  kind: string;
  style: string;
  description: string;
  file_format: string;
  content_type: string;
  size_bytes: number;
  download_url: string;
  preview_url: string | null;
  files: { name: string; content_type: string; format: string; size_bytes: number }[];
  cost: number;
  created_at: string;
}

/** A job as the native API (and its SSE events) show it. */
export interface JobView {
  id: string;
  state: JobRecord['state'];
  progress: number;
  progress_message: string | null;
  category: string;
  kind: string;
  style: string;
  description: string;
  provider: string;
  visibility: 'private' | 'public';
  session_id: string | null;
  attempts: number;
  max_attempts: number;
  estimated_cost: number;
  cost: number | null;
  source: 'generated' | 'database' | null;
  asset_id: string | null;
  asset: AssetSummary | null;
  error: { code: string; message: string; detail: string | null } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** An asset record as {@link AssetSummary}; links under `baseUrl`. */
export function assetSummary(asset: AssetRecord, baseUrl: string): AssetSummary {
  return {
    id: asset.id,
    source: asset.source,
    visibility: asset.visibility,
    category: asset.category,
    kind: asset.kind,
    style: asset.style,
    description: asset.description,
    file_format: asset.fileFormat,
    content_type: asset.contentType,
    size_bytes: asset.sizeBytes,
    download_url: linkTo(baseUrl, downloadPath(asset.id)),
    preview_url: asset.previewKey ? linkTo(baseUrl, previewPath(asset.id)) : null,
    files: asset.files.map((f) => ({ name: f.name, content_type: f.contentType, format: f.format, size_bytes: f.sizeBytes })),
    cost: toUsd(asset.costMicros),
    created_at: asset.createdAt.toISOString(),
  };
}

/**
 * A job record (and its asset, once there is one) as {@link JobView}.
 * @example c.json(jobView(job, asset, deps.core.behaviour.publicBaseUrl), 202)
 */
export function jobView(job: JobRecord, asset: AssetRecord | null, baseUrl: string): JobView {
  return {
    id: job.id,
    state: job.state,
    progress: job.progress,
    progress_message: job.progressMessage,
    category: job.category,
    kind: job.kind,
    style: job.style,
    description: job.description,
    provider: job.provider,
    visibility: job.visibility,
    session_id: job.sessionId,
    attempts: job.attempt,
    max_attempts: job.maxAttempts,
    estimated_cost: toUsd(job.estimateMicros),
    cost: job.costMicros === null ? null : toUsd(job.costMicros),
    source: job.source,
    asset_id: job.assetId,
    asset: asset && asset.id === job.assetId ? assetSummary(asset, baseUrl) : null,
    error: job.errorCode ? { code: job.errorCode, message: job.error ?? '', detail: job.errorDetail } : null,
    created_at: job.createdAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    finished_at: job.finishedAt?.toISOString() ?? null,
    updated_at: job.updatedAt.toISOString(),
  };
}
