import { toMicros } from '../domain/money.ts';
import type { QueuedJob } from '../jobs/queue.ts';
import type { StopReason } from '../jobs/running.ts';
import { type AssetProvider, type GeneratedFile, type GenerationResult, ProviderError } from '../providers/types.ts';
import type { AssetFile } from '../store/assets.ts';
import type { JobFailure, JobRecord } from '../store/jobs.ts';
import { waitForCallback } from './callbacks.ts';
import type { AssetCore } from './core.ts';
import { publishJob } from './events.ts';
import { finishFailed } from './finish.ts';
import { progressReporter } from './progress.ts';

/** Thrown to hand a job back to pg-boss for another attempt (after our row went back to `queued`). */
class Retry extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Retry';
  }
}

/**
 * A provider's words for every caller: provider names (which GAIA's surface never shows) become "the generator".
 * @example neutral('midjourney refused the prompt: banned word', ['midjourney']) // 'the generator refused the prompt: banned word'
 */
export function neutral(message: string, providers: readonly string[]): string {
  const names = [...providers, 'provider'].map((n) => n.replace(/[^a-z0-9-]/gi, '')).filter(Boolean);
  return message.replace(new RegExp(`\\b(${names.join('|')})( proxy)?\\b`, 'gi'), 'the generator').slice(0, 300);
}

const reasonOf = (signal: AbortSignal): StopReason | undefined => (signal.aborted ? (signal.reason as StopReason) : undefined);
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs one job fetched from the queue: takes it (`queued|running → running`, attempt + 1; nothing to do when it was
 * cancelled or finished meanwhile), calls its provider with a signal that fires on cancel, lease end or shutdown,
 * stores the files, and writes the result only if this attempt still owns the job — so a job never completes twice,
 * even when a worker thought dead comes back. Retryable failures go back to the queue (pg-boss retries with
 * backoff); the last one, and refusals, fail the job and release its budget reservation.
 * @example await boss.work(queue, ([job]) => runJob(core, job));
 */
export async function runJob(core: AssetCore, queued: QueuedJob): Promise<void> {
  const job = await core.jobs.start(core.db, queued.id);
  if (!job) return;
  const log = core.logger.child({ jobId: job.id, attempt: job.attempt, provider: job.provider });
  log.info('asset job started', { queueMs: job.attempt === 1 && job.startedAt ? job.startedAt.getTime() - job.createdAt.getTime() : undefined });
  await publishJob(core, 'state', job);
  const provider = core.providers.get(job.provider);
  if (!provider) {
    await finishFailed(core, job, job.attempt, {
      code: 'provider_misconfigured',
      message: 'the generator for this job is not configured any more; an administrator must check the asset providers',
      detail: `provider ${job.provider} is not configured`,
    });
    return;
  }
  // pg-boss gives up on the run when the lease ends; stop the provider call a little before.
  const lease = setTimeout(() => core.running.stop(job.id, 'lease'), Math.max(500, queued.leaseSeconds * 1000 - 500));
  try {
    await core.running.track(job.id, job.attempt, (signal) => attempt(core, job, provider, queued, signal));
  } finally {
    clearTimeout(lease);
  }
}

async function attempt(core: AssetCore, job: JobRecord, provider: AssetProvider, queued: QueuedJob, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  const progress = progressReporter(core, job);
  let result: GenerationResult;
  try {
    result = await provider.generate(
      {
        category: job.category,
        kind: job.kind,
        style: job.style,
        description: job.description,
        prompt: job.prompt,
        requirements: job.requirements,
        seed: job.requestHash.slice(0, 16),
      },
      {
        signal,
        onProgress: progress.report,
        logger: core.logger.child({ jobId: job.id, provider: provider.name }),
        waitForCallback: (taskId) => waitForCallback(core, provider.name, taskId, signal),
      },
    );
    signal.throwIfAborted();
  } catch (err) {
    await progress.flushed();
    return failAttempt(core, job, queued, err, signal);
  }
  await progress.flushed();
  const failure = checkResult(job, result);
  if (failure) {
    await finishFailed(core, job, job.attempt, failure, toMicros(Math.max(0, result.costUsd || 0)));
    return;
  }
  await complete(core, job, queued, result, Math.round(performance.now() - started), signal);
}

/** What is wrong with a provider's result, if anything. */
function checkResult(job: JobRecord, result: GenerationResult): JobFailure | null {
  const main = result.files[0];
  if (!main || main.bytes.byteLength === 0) {
    return { code: 'generation_refused', message: 'the generator returned no file', detail: 'empty result' };
  }
  const maxMb = job.requirements.fileSizeMaxMb;
  const sizeMb = main.bytes.byteLength / (1024 * 1024);
  if (maxMb !== undefined && sizeMb > maxMb) {
    return { code: 'file_too_large', message: `the generated file is ${sizeMb.toFixed(2)} MB, more than file_size_max_mb (${maxMb})` };
  }
  return null;
}

/** A file name safe as the last segment of a storage key. */
function safeName(name: string, index: number, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 100) || `file-${index}`;
  while (taken.has(base)) base = `${index}-${base}`;
  taken.add(base);
  return base;
}

async function storeFiles(core: AssetCore, prefix: string, files: GeneratedFile[]): Promise<AssetFile[]> {
  const taken = new Set<string>(['preview.png']);
  const stored: AssetFile[] = [];
  for (const [index, file] of files.entries()) {
    const name = safeName(file.name, index, taken);
    const key = `${prefix}/${name}`;
    await core.blobs.put(key, file.bytes, file.contentType);
    stored.push({ name, key, contentType: file.contentType, format: file.format, sizeBytes: file.bytes.byteLength });
  }
  return stored;
}

async function complete(core: AssetCore, job: JobRecord, queued: QueuedJob, result: GenerationResult, generationMs: number, signal: AbortSignal): Promise<void> {
  const assetId = crypto.randomUUID();
  const prefix = `${job.ownerId}/${assetId}`;
  const keys: string[] = [];
  let files: AssetFile[];
  let previewKey: string | null = null;
  try {
    files = await storeFiles(core, prefix, result.files);
    keys.push(...files.map((f) => f.key));
    const preview = await core.previews(result.files[0] as GeneratedFile, job.kind).catch((err: unknown) => {
      core.logger.warn('asset preview failed (the asset has none)', { jobId: job.id, error: describe(err) });
      return null;
    });
    if (preview) {
      previewKey = `${prefix}/preview.png`;
      await core.blobs.put(previewKey, preview.bytes, preview.contentType);
      keys.push(previewKey);
    }
  } catch (err) {
    await removeFiles(core, keys);
    return failAttempt(core, job, queued, new ProviderError('storage', 'retryable', `storing the files failed: ${describe(err)}`), signal);
  }
  const main = files[0] as AssetFile;
  const costMicros = toMicros(Math.max(0, Number.isFinite(result.costUsd) ? result.costUsd : 0));
  const done = await core.db.transaction(async (tx) => {
    const succeeded = await core.jobs.succeed(tx, job.id, job.attempt, assetId, costMicros);
    if (!succeeded) return null;
    const asset = await core.assets.insert(tx, {
      id: assetId,
      ownerId: job.ownerId,
      jobId: job.id,
      originAssetId: null,
      source: 'generated',
      visibility: job.visibility,
      category: job.category,
      kind: job.kind,
      style: job.style,
      description: job.description,
      tags: [...new Set([job.category, job.kind])],
      requestHash: job.requestHash,
      provider: job.provider,
      model: result.model ?? null,
      costMicros,
      generationMs,
      quality: job.requirements.quality ?? 'medium',
      files,
      fileKey: main.key,
      fileFormat: main.format,
      contentType: main.contentType,
      sizeBytes: main.sizeBytes,
      previewKey,
      storageKind: core.blobs.kind,
      sessionId: job.sessionId,
      metadata: result.metadata ?? {},
    });
    if (succeeded.budgetDay && succeeded.budgetMonth) {
      await core.budgets.settle(tx, job.ownerId, succeeded.budgetDay, succeeded.budgetMonth, succeeded.estimateMicros, costMicros);
    }
    return { job: succeeded, asset };
  });
  if (!done) {
    // Cancelled, or another attempt took over: this run's files are nobody's.
    core.logger.info('asset job result discarded: the attempt no longer owns the job', { jobId: job.id, attempt: job.attempt });
    await removeFiles(core, keys);
    return;
  }
  core.logger.info('asset job succeeded', { jobId: job.id, attempt: job.attempt, generationMs, costMicros, bytes: main.sizeBytes });
  await publishJob(core, 'result', done.job, done.asset);
  await core.semantic?.index(done.asset);
}

async function removeFiles(core: AssetCore, keys: string[]): Promise<void> {
  for (const key of keys) {
    await core.blobs.delete(key).catch((err: unknown) => core.logger.warn('asset file not removed', { key, error: describe(err) }));
  }
}

async function failAttempt(core: AssetCore, job: JobRecord, queued: QueuedJob, err: unknown, signal: AbortSignal): Promise<void> {
  const reason = reasonOf(signal);
  const log = core.logger.child({ jobId: job.id, attempt: job.attempt, provider: job.provider });
  if (reason === 'cancelled' || reason === 'lost') {
    log.info('asset job stopped', { reason });
    return;
  }
  const retriesLeft = queued.retryCount < queued.retryLimit;
  if (err instanceof ProviderError && err.kind !== 'retryable') {
    log.warn('asset generation refused', { kind: err.kind, error: err.message });
    await finishFailed(
      core,
      job,
      job.attempt,
      err.kind === 'refused'
        ? { code: 'generation_refused', message: `the generator refused the request: ${neutral(err.message, core.providers.names())}`, detail: err.message }
        : {
            code: 'provider_misconfigured',
            message: 'the generator is not configured correctly; an administrator must check its settings',
            detail: err.message,
          },
    );
    return;
  }
  const interrupted = reason === 'shutdown' || reason === 'lease';
  const failure: JobFailure = interrupted
    ? {
        code: 'lease_expired',
        message: reason === 'shutdown' ? 'the worker shut down during the job' : 'the job did not finish within its time limit',
      }
    : { code: 'generation_unavailable', message: 'the generator was unavailable', detail: describe(err) };
  log.warn('asset job attempt failed', { reason: reason ?? 'error', retriesLeft, error: describe(err) });
  if (retriesLeft) {
    const requeued = await core.jobs.requeue(core.db, job.id, job.attempt, failure);
    if (requeued) await publishJob(core, 'state', requeued);
    throw new Retry(failure.message);
  }
  await finishFailed(core, job, job.attempt, {
    ...failure,
    message: `${failure.message} (after ${job.attempt} attempt${job.attempt === 1 ? '' : 's'})`,
  });
}
