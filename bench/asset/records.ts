import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../lib/db/types.ts';

/** A job row as the benchmark reads it (the asset schema's `jobs`). */
export interface JobRow {
  id: string;
  state: string;
  attempt: number;
  assetId: string | null;
  createdMs: number;
  startedMs: number | null;
  finishedMs: number | null;
}

const ms = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).getTime());

/** Every job row. */
export async function readJobs(db: Db): Promise<JobRow[]> {
  const rows = await db.query<{ id: string; state: string; attempt: number; asset_id: string | null; created_at: Date; started_at: Date | null; finished_at: Date | null }>(
    'select id, state, attempt, asset_id, created_at, started_at, finished_at from asset.jobs',
  );
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    attempt: Number(r.attempt),
    assetId: r.asset_id,
    createdMs: ms(r.created_at)!,
    startedMs: ms(r.started_at),
    finishedMs: ms(r.finished_at),
  }));
}

/** How far the run is: jobs started at least once, and finished (succeeded, failed or cancelled). */
export async function readProgress(db: Db): Promise<{ started: number; finished: number }> {
  const [row] = await db.query<{ started: string; finished: string }>(
    `select count(*) filter (where started_at is not null) as started,
            count(*) filter (where state in ('succeeded', 'failed', 'cancelled')) as finished
       from asset.jobs`,
  );
  return { started: Number(row?.started ?? 0), finished: Number(row?.finished ?? 0) };
}

/** Asset rows per job: `job id → asset ids`. */
export async function readAssets(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.query<{ id: string; job_id: string | null }>('select id, job_id from asset.assets');
  const byJob = new Map<string, string[]>();
  for (const r of rows) byJob.set(r.job_id ?? '', [...(byJob.get(r.job_id ?? '') ?? []), r.id]);
  return byJob;
}

/** pg-boss's own view of the generation queue: its jobs by state. */
export async function readQueueStates(db: Db): Promise<Record<string, number>> {
  const rows = await db.query<{ state: string; n: string }>(
    `select state, count(*) as n from asset_queue.job where name = 'asset-generation' group by state order by state`,
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

/**
 * The asset directories local storage holds (`<dir>/<owner>/<asset>/<files>`; `.types/` and `.tmp/` are its own):
 * asset id → file count.
 * @example const dirs = await assetDirectories(join(dataDir, 'assets'));
 */
export async function assetDirectories(dir: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const owners = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const owner of owners.filter((d) => d.isDirectory() && !d.name.startsWith('.'))) {
    for (const asset of await readdir(join(dir, owner.name), { withFileTypes: true })) {
      if (!asset.isDirectory()) continue;
      const files = (await readdir(join(dir, owner.name, asset.name), { withFileTypes: true })).filter((f) => f.isFile());
      if (files.length > 0) found.set(asset.name, files.length);
    }
  }
  return found;
}
