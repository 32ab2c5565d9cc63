import type { Row, SqlRunner } from '../../../lib/db/types.ts';
import type { AssetCategory, AssetKind, GenerationRequest } from '../providers/types.ts';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];
export const isTerminal = (state: JobState) => TERMINAL_STATES.includes(state);

/** Why a job failed, as a code callers can branch on. */
export type JobErrorCode =
  | 'generation_refused'
  | 'generation_unavailable'
  | 'provider_misconfigured'
  | 'lease_expired'
  | 'file_too_large'
  | 'internal';

/** One row of `<schema>.jobs`: the job as the API reports it. */
export interface JobRecord {
  id: string;
  ownerId: string;
  state: JobState;
  category: AssetCategory;
  kind: AssetKind;
  style: string;
  description: string;
  prompt: string;
  requirements: GenerationRequest['requirements'];
  requestHash: string;
  visibility: 'private' | 'public';
  sessionId: string | null;
  provider: string;
  progress: number;
  progressMessage: string | null;
  attempt: number;
  maxAttempts: number;
  estimateMicros: number;
  costMicros: number | null;
  source: 'generated' | 'database' | null;
  assetId: string | null;
  errorCode: JobErrorCode | null;
  error: string | null;
  errorDetail: string | null;
  budgetDay: string | null;
  budgetMonth: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

/** A new job, as {@link JobStore.insert} writes it. */
export type NewJob = Pick<
  JobRecord,
  | 'id'
  | 'ownerId'
  | 'state'
  | 'category'
  | 'kind'
  | 'style'
  | 'description'
  | 'prompt'
  | 'requirements'
  | 'requestHash'
  | 'visibility'
  | 'sessionId'
  | 'provider'
  | 'maxAttempts'
  | 'estimateMicros'
  | 'budgetDay'
  | 'budgetMonth'
> &
  Partial<Pick<JobRecord, 'progress' | 'costMicros' | 'source' | 'assetId'>>;

const COLUMNS = `id, owner_id, state, category, kind, style, description, prompt, requirements, request_hash, visibility,
  session_id, provider, progress, progress_message, attempt, max_attempts, estimate_micros, cost_micros, source, asset_id,
  error_code, error, error_detail, budget_day::text as budget_day, budget_month::text as budget_month, created_at,
  started_at, finished_at, updated_at`;

const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string | Date));

function jobOf(row: Row): JobRecord {
  return {
    id: String(row.id),
    ownerId: String(row.owner_id),
    state: row.state as JobState,
    category: row.category as AssetCategory,
    kind: row.kind as AssetKind,
    style: String(row.style),
    description: String(row.description),
    prompt: String(row.prompt),
    requirements: (row.requirements ?? {}) as GenerationRequest['requirements'],
    requestHash: String(row.request_hash),
    visibility: row.visibility as JobRecord['visibility'],
    sessionId: (row.session_id as string | null) ?? null,
    provider: String(row.provider),
    progress: Number(row.progress),
    progressMessage: (row.progress_message as string | null) ?? null,
    attempt: Number(row.attempt),
    maxAttempts: Number(row.max_attempts),
    estimateMicros: Number(row.estimate_micros),
    costMicros: row.cost_micros === null ? null : Number(row.cost_micros),
    source: (row.source as JobRecord['source']) ?? null,
    assetId: (row.asset_id as string | null) ?? null,
    errorCode: (row.error_code as JobErrorCode | null) ?? null,
    error: (row.error as string | null) ?? null,
    errorDetail: (row.error_detail as string | null) ?? null,
    budgetDay: (row.budget_day as string | null) ?? null,
    budgetMonth: (row.budget_month as string | null) ?? null,
    createdAt: date(row.created_at) as Date,
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    updatedAt: date(row.updated_at) as Date,
  };
}

export interface JobListFilter {
  /** Only this owner's jobs; absent = everyone's (admins). */
  ownerId?: string;
  states?: JobState[];
  category?: AssetCategory;
  /** Jobs strictly older than this position (keyset pagination, newest first). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** A failure to record on a job. */
export interface JobFailure {
  code: JobErrorCode;
  /** For every caller (GAIA's `Asset request failed: <reason>`): no provider or model names. */
  message: string;
  /** The provider's own words, for the native API. */
  detail?: string;
}

/**
 * SQL over `<schema>.jobs`. Every write that moves a job is guarded by its current state (and, for the worker's
 * writes, by the attempt it started), so a job finishes once: a second worker, a late zombie or a cancel that got
 * there first makes the write match no row, and the caller learns it lost.
 */
export class JobStore {
  readonly #t: string;

  constructor(schema: string) {
    this.#t = `"${schema}".jobs`;
  }

  async insert(tx: SqlRunner, job: NewJob): Promise<JobRecord> {
    const rows = await tx.query(
      `insert into ${this.#t} (id, owner_id, state, category, kind, style, description, prompt, requirements, request_hash,
         visibility, session_id, provider, max_attempts, estimate_micros, budget_day, budget_month, progress, cost_micros,
         source, asset_id, finished_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
         case when $3 in ('succeeded', 'failed', 'cancelled') then now() end)
       returning ${COLUMNS}`,
      [
        job.id,
        job.ownerId,
        job.state,
        job.category,
        job.kind,
        job.style,
        job.description,
        job.prompt,
        job.requirements,
        job.requestHash,
        job.visibility,
        job.sessionId,
        job.provider,
        job.maxAttempts,
        job.estimateMicros,
        job.budgetDay,
        job.budgetMonth,
        job.progress ?? 0,
        job.costMicros ?? null,
        job.source ?? null,
        job.assetId ?? null,
      ],
    );
    return jobOf(rows[0] as Row);
  }

  async get(db: SqlRunner, id: string): Promise<JobRecord | null> {
    const rows = await db.query(`select ${COLUMNS} from ${this.#t} where id = $1`, [id]);
    return rows[0] ? jobOf(rows[0]) : null;
  }

  /** The caller's queued or running job for the same request, if any (a double submit joins it). */
  async findActive(db: SqlRunner, ownerId: string, requestHash: string): Promise<JobRecord | null> {
    const rows = await db.query(
      `select ${COLUMNS} from ${this.#t} where owner_id = $1 and request_hash = $2 and state in ('queued', 'running')
       order by created_at desc limit 1`,
      [ownerId, requestHash],
    );
    return rows[0] ? jobOf(rows[0]) : null;
  }

  async list(db: SqlRunner, filter: JobListFilter): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.ownerId) where.push(`owner_id = ${param(filter.ownerId)}`);
    if (filter.states?.length) where.push(`state = any(${param(filter.states)}::text[])`);
    if (filter.category) where.push(`category = ${param(filter.category)}`);
    if (filter.before) where.push(`(created_at, id) < (${param(filter.before.createdAt)}::timestamptz, ${param(filter.before.id)}::uuid)`);
    const rows = await db.query(
      `select ${COLUMNS} from ${this.#t} ${where.length ? `where ${where.join(' and ')}` : ''}
       order by created_at desc, id desc limit ${param(filter.limit)}`,
      params,
    );
    return rows.map(jobOf);
  }

  /** The worker takes the job: attempt + 1. Null when it is no longer queued or running (cancelled, finished). */
  async start(db: SqlRunner, id: string): Promise<JobRecord | null> {
    const rows = await db.query(
      `update ${this.#t} set state = 'running', attempt = attempt + 1, progress = 0, progress_message = null,
         started_at = coalesce(started_at, now()), updated_at = now()
       where id = $1 and state in ('queued', 'running') returning ${COLUMNS}`,
      [id],
    );
    return rows[0] ? jobOf(rows[0]) : null;
  }

  /** Progress of the attempt that runs; never goes back. False when the attempt no longer owns the job. */
  async progress(db: SqlRunner, id: string, attempt: number, percent: number, message: string | null): Promise<JobRecord | null> {
    const rows = await db.query(
      `update ${this.#t} set progress = greatest(progress, $3), progress_message = coalesce($4, progress_message), updated_at = now()
       where id = $1 and attempt = $2 and state = 'running' returning ${COLUMNS}`,
      [id, attempt, percent, message],
    );
    return rows[0] ? jobOf(rows[0]) : null;
  }

  /** Back to the queue for another attempt (a retryable failure, or a worker shutting down). */
  async requeue(db: SqlRunner, id: string, attempt: number, failure: JobFailure | null): Promise<JobRecord | null> {
    const rows = await db.query(
      `update ${this.#t} set state = 'queued', progress = 0, progress_message = null, error_code = $3, error = $4,
         error_detail = $5, updated_at = now()
       where id = $1 and attempt = $2 and state = 'running' returning ${COLUMNS}`,
      [id, attempt, failure?.code ?? null, failure?.message ?? null, failure?.detail ?? null],
    );
    return rows[0] ? jobOf(rows[0]) : null;
  }

  /** Finished with a result; only the attempt that runs may write it. */
  async succeed(tx: SqlRunner, id: string, attempt: number, assetId: string, costMicros: number): Promise<JobRecord | null> {
    const rows = await tx.query(
      `update ${this.#t} set state = 'succeeded', progress = 100, asset_id = $3, cost_micros = $4, source = 'generated',
         error_code = null, error = null, error_detail = null, finished_at = now(), updated_at = now()
       where id = $1 and attempt = $2 and state = 'running' returning ${COLUMNS}`,
      [id, attempt, assetId, costMicros],
    );
    return rows[0] ? jobOf(rows[0]) : null;
  }

  /**
   * Finished without a result. `attempt` guards a worker's write; null (the dead-letter handler: the last lease
   * expired) takes the job in whatever active state it was left.
   */
  async fail(tx: SqlRunner, id: string, attempt: number | null, failure: JobFailure): Promise<JobRecord | null> {
    const rows = await tx.query(
      `update ${this.#t} set state = 'failed', cost_micros = coalesce(cost_micros, 0), error_code = $3, error = $4,
         error_detail = $5, finished_at = now(), updated_at = now()
       where id = $1 and state in ('queued', 'running') and ($2::int is null or (attempt = $2 and state = 'running'))
       returning ${COLUMNS}`,
      [id, attempt, failure.code, failure.message, failure.detail ?? null],
    );
    return rows[0] ? jobOf(rows[0]) : null;
  }

  /** Cancelled by its owner (or an admin) while queued or running. */
  async cancel(tx: SqlRunner, id: string): Promise<JobRecord | null> {
    const rows = await tx.query(
      `update ${this.#t} set state = 'cancelled', cost_micros = coalesce(cost_micros, 0), finished_at = now(), updated_at = now()
       where id = $1 and state in ('queued', 'running') returning ${COLUMNS}`,
      [id],
    );
    return rows[0] ? jobOf(rows[0]) : null;
  }

  /** Of `ids` (the jobs a worker runs), those whose attempt lost the job (cancelled, finished elsewhere, retaken). */
  async lost(db: SqlRunner, running: { id: string; attempt: number }[]): Promise<string[]> {
    if (running.length === 0) return [];
    const rows = await db.query(`select id, state, attempt from ${this.#t} where id = any($1::uuid[])`, [running.map((r) => r.id)]);
    const current = new Map(rows.map((r) => [String(r.id), r]));
    return running
      .filter(({ id, attempt }) => {
        const row = current.get(id);
        return row?.state !== 'running' || Number(row.attempt) !== attempt;
      })
      .map((r) => r.id);
  }
}
