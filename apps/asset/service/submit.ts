import type { Principal } from '../../../lib/auth/types.ts';
import { ApiError } from '../../../lib/errors/api-error.ts';
import { toMicros, toUsd } from '../domain/money.ts';
import { estimateMicros } from '../domain/providers.ts';
import { type AssetRequestInput, type NormalizedRequest, normalizeRequest } from '../domain/request.ts';
import type { AssetRecord, ReuseQuery } from '../store/assets.ts';
import { BudgetExceededError, periodsOf } from '../store/budgets.ts';
import type { JobRecord, NewJob } from '../store/jobs.ts';
import { embeddingTextOf } from '../store/vectors.ts';
import type { AssetCore } from './core.ts';
import { publishJob } from './events.ts';

/** What a submit produced: the job (new, joined, or already finished from the database) and its asset when known. */
export interface Submitted {
  job: JobRecord;
  asset: AssetRecord | null;
  /** How the request was served: a new generation, an asset already there, or a job already running for it. */
  outcome: 'enqueued' | 'reused' | 'joined';
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown })?.code === '23505';

function budgetError(err: BudgetExceededError): ApiError {
  const name = err.period === 'day' ? 'daily' : 'monthly';
  const left = Math.max(0, err.limitMicros - err.usedMicros);
  return new ApiError(
    'BUDGET_EXCEEDED',
    `This request would exceed your ${name} asset budget: it is estimated at $${toUsd(err.requestedMicros).toFixed(4)} and ` +
      `$${toUsd(left).toFixed(4)} of $${toUsd(err.limitMicros).toFixed(2)} is left; the budget resets at ${err.resetsAt.toISOString()}`,
    {
      details: {
        budget: name,
        limit_usd: toUsd(err.limitMicros),
        used_usd: toUsd(err.usedMicros),
        requested_usd: toUsd(err.requestedMicros),
        resets_at: err.resetsAt.toISOString(),
      },
    },
  );
}

/** What every job row of a request holds, whatever happens to it. */
function requestFields(ownerId: string, request: NormalizedRequest) {
  const g = request.generation;
  return {
    id: crypto.randomUUID(),
    ownerId,
    category: g.category,
    kind: g.kind,
    style: g.style,
    description: g.description,
    prompt: g.prompt,
    requirements: g.requirements,
    requestHash: request.hash,
    visibility: request.visibility,
    sessionId: request.sessionId ?? null,
  };
}

/** The job row of a request served from the database: already succeeded, nothing to run, nothing spent. */
function reuseJob(principal: Principal, request: NormalizedRequest, asset: AssetRecord): NewJob {
  return {
    ...requestFields(principal.userId, request),
    state: 'succeeded',
    provider: asset.provider,
    maxAttempts: 0,
    estimateMicros: 0,
    budgetDay: null,
    budgetMonth: null,
    progress: 100,
    costMicros: 0,
    source: 'database',
    assetId: asset.id,
  };
}

/**
 * Serves an asset request: the caller's asset from the same request (dedup), else — with `allow_database` — the best
 * existing asset they may see (their own, or a public one: they get their own record over the same files), else a
 * new generation: routed to a provider, estimated, checked against `max_cost`, its estimate reserved against the
 * caller's daily and monthly budgets, and enqueued — the reservation, the job row and the queue entry in one
 * transaction. A request already queued or running for the caller joins that job.
 * @example const { job, outcome } = await submitRequest(core, principal, body);
 */
export async function submitRequest(core: AssetCore, principal: Principal, input: AssetRequestInput): Promise<Submitted> {
  if (!core.queue.started) {
    throw new ApiError('NOT_READY', 'The asset service is starting (its job queue is not ready yet); retry in a few seconds', {
      headers: { 'Retry-After': '2' },
    });
  }
  const request = await normalizeRequest(input);
  const owner = principal.userId;
  if (request.allowDatabase) {
    const reused = await findExisting(core, principal, request);
    if (reused) return reused;
  }
  const active = await core.jobs.findActive(core.db, owner, request.hash);
  if (active) return { job: active, asset: null, outcome: 'joined' };
  if (!request.allowGeneration) {
    throw new ApiError('NOT_FOUND', 'No existing asset matches this request, and preferences.allow_generation is false');
  }
  const provider = core.providers.route(request.generation, request.providerOverride);
  if (!provider) {
    if (request.providerOverride) {
      throw new ApiError('BAD_REQUEST', `Provider "${request.providerOverride}" is not configured for ${request.generation.kind} assets`, {
        details: { provider: request.providerOverride, available: core.providers.names() },
      });
    }
    throw new ApiError('SERVICE_UNAVAILABLE', `No asset provider is configured for ${request.generation.kind} assets`);
  }
  const estimate = estimateMicros(provider, request.generation);
  if (request.maxCostUsd !== undefined && estimate > toMicros(request.maxCostUsd)) {
    throw new ApiError(
      'COST_LIMIT_EXCEEDED',
      `This request is estimated at $${toUsd(estimate).toFixed(4)}, more than preferences.max_cost ($${request.maxCostUsd})`,
      { details: { estimated_usd: toUsd(estimate), max_cost_usd: request.maxCostUsd } },
    );
  }
  const periods = periodsOf(core.now());
  const g = request.generation;
  let job: JobRecord;
  try {
    job = await core.db.transaction(async (tx) => {
      await core.budgets.reserve(tx, owner, estimate, core.behaviour.budgets, periods);
      const row = await core.jobs.insert(tx, {
        ...requestFields(owner, request),
        state: 'queued',
        provider: provider.name,
        maxAttempts: core.behaviour.queue.maxAttempts,
        estimateMicros: estimate,
        budgetDay: periods.day,
        budgetMonth: periods.month,
      });
      await core.queue.send(tx, row.id);
      return row;
    });
  } catch (err) {
    if (err instanceof BudgetExceededError) throw budgetError(err);
    if (isUniqueViolation(err)) {
      // The same request was enqueued by a concurrent call: join it.
      const joined = await core.jobs.findActive(core.db, owner, request.hash);
      if (joined) return { job: joined, asset: null, outcome: 'joined' };
    }
    throw err;
  }
  core.logger.info('asset job enqueued', { jobId: job.id, provider: provider.name, kind: g.kind, estimateMicros: estimate });
  await core.queue.wake();
  await publishJob(core, 'state', job);
  return { job, asset: null, outcome: 'enqueued' };
}

/** The caller's asset from the same request, else the best one they may see by its words, else by meaning. */
async function bestMatch(core: AssetCore, owner: string, request: NormalizedRequest): Promise<{ asset: AssetRecord; how: string; score: number } | null> {
  const same = await core.assets.findByHash(core.db, owner, request.hash);
  if (same) return { asset: same, how: 'same request', score: 1 };
  const query: ReuseQuery = {
    ownerId: owner,
    category: request.generation.category,
    text: embeddingTextOf(request.generation),
    ...(request.generation.requirements.format ? { format: request.generation.requirements.format } : {}),
    minScore: core.behaviour.reuseMinScore,
  };
  const byWords = await core.assets.findReusable(core.db, query);
  if (byWords) return { ...byWords, how: 'words' };
  const byMeaning = await core.semantic?.find(query);
  return byMeaning ? { ...byMeaning, how: 'meaning' } : null;
}

async function findExisting(core: AssetCore, principal: Principal, request: NormalizedRequest): Promise<Submitted | null> {
  const owner = principal.userId;
  const best = await bestMatch(core, owner, request);
  if (!best) return null;
  const match = best.asset;
  const served = await core.db.transaction(async (tx) => {
    // Another user's public asset: the caller gets a record of their own over the same files, at no cost.
    const asset =
      match.ownerId === owner
        ? match
        : await core.assets.insert(tx, {
            ...match,
            id: crypto.randomUUID(),
            ownerId: owner,
            jobId: null,
            originAssetId: match.originAssetId ?? match.id,
            source: 'database',
            visibility: 'private',
            requestHash: request.hash,
            costMicros: 0,
            generationMs: 0,
            sessionId: request.sessionId ?? null,
          });
    if (asset !== match) await core.semantic?.copy(tx, match.id, asset.id);
    const job = await core.jobs.insert(tx, reuseJob(principal, request, asset));
    return { job, asset };
  });
  core.logger.info('asset request served from the database', {
    jobId: served.job.id,
    assetId: served.asset.id,
    matchedBy: best.how,
    score: Math.round(best.score * 1000) / 1000,
  });
  return { ...served, outcome: 'reused' };
}
