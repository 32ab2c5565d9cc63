import type { Migration } from '../../../lib/db/types.ts';

/**
 * Forward-only migrations of the asset schema, for a given schema name (tests use a unique one; the service uses
 * `asset`). Never edit one that has shipped. Money is kept in integer micro-dollars (`*_micros`), so sums and budget
 * comparisons are exact. pg-boss keeps its own tables in a schema of its own (`asset_queue` by default): the rows
 * here are the source of truth the API reads, pg-boss only carries the work.
 * @example await migrate(db, 'asset', assetMigrationsFor('asset'), logger);
 */
export function assetMigrationsFor(schema: string): Migration[] {
  const s = `"${schema}"`;
  return [
    {
      id: '0001_jobs_assets_budgets',
      sql: `
create table ${s}.jobs (
  id uuid primary key,
  owner_id uuid not null,
  state text not null check (state in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  category text not null,
  kind text not null,
  style text not null,
  description text not null,
  prompt text not null,
  requirements jsonb not null default '{}'::jsonb,
  request_hash text not null,
  visibility text not null default 'private' check (visibility in ('private', 'public')),
  session_id text,
  provider text not null,
  progress int not null default 0 check (progress between 0 and 100),
  progress_message text,
  attempt int not null default 0,
  max_attempts int not null,
  estimate_micros bigint not null default 0,
  cost_micros bigint,
  source text check (source in ('generated', 'database')),
  asset_id uuid,
  error_code text,
  -- Said to GAIA callers as is: never a provider or model name.
  error text,
  -- The provider's own words (native API and logs only).
  error_detail text,
  -- The budget periods the estimate was reserved against (UTC), so settlement hits the same rows across midnight.
  budget_day date,
  budget_month date,
  -- Millisecond precision, as JavaScript dates have it: list cursors carry it exactly.
  created_at timestamptz not null default date_trunc('milliseconds', clock_timestamp()),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now()
);
create index jobs_owner_created_idx on ${s}.jobs (owner_id, created_at desc, id desc);
create index jobs_created_idx on ${s}.jobs (created_at desc, id desc);
-- One queued or running job per user and request: a double submit joins the first.
create unique index jobs_active_hash_idx on ${s}.jobs (owner_id, request_hash) where state in ('queued', 'running');

create table ${s}.assets (
  id uuid primary key,
  owner_id uuid not null,
  job_id uuid,
  -- A reuse of another asset's files (source database) points at it; the files are shared, never copied.
  origin_asset_id uuid,
  source text not null check (source in ('generated', 'database')),
  visibility text not null default 'private' check (visibility in ('private', 'public')),
  category text not null,
  kind text not null,
  style text not null,
  description text not null,
  tags text[] not null default '{}',
  request_hash text not null,
  provider text not null,
  model text,
  cost_micros bigint not null default 0,
  generation_ms int not null default 0,
  quality text,
  files jsonb not null,
  file_key text not null,
  file_format text not null,
  content_type text not null,
  size_bytes bigint not null,
  preview_key text,
  storage_kind text not null,
  session_id text,
  metadata jsonb not null default '{}'::jsonb,
  search_tsv tsvector not null,
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index assets_owner_created_idx on ${s}.assets (owner_id, created_at desc, id desc) where deleted_at is null;
create index assets_owner_hash_idx on ${s}.assets (owner_id, request_hash) where deleted_at is null;
create index assets_file_key_idx on ${s}.assets (file_key) where deleted_at is null;
create index assets_search_idx on ${s}.assets using gin (search_tsv) where deleted_at is null;

create table ${s}.budget_usage (
  owner_id uuid not null,
  period text not null check (period in ('day', 'month')),
  period_start date not null,
  reserved_micros bigint not null default 0 check (reserved_micros >= 0),
  spent_micros bigint not null default 0 check (spent_micros >= 0),
  primary key (owner_id, period, period_start)
);

-- Provider webhooks, kept so a worker that starts waiting after the callback arrived still gets it.
create table ${s}.callbacks (
  provider text not null,
  task_id text not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  primary key (provider, task_id)
);
`,
    },
  ];
}

/** Forward-only migrations of the `asset` schema, applied in order at start-up. */
export const assetMigrations: Migration[] = assetMigrationsFor('asset');
