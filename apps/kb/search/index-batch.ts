import type { Db } from '../../../lib/db/types.ts';
import type { FileChange } from '../git/types.ts';
import { deleteDocuments, type PreparedDocument, storedOids, type WrittenChunk, writeDocuments } from './index-store.ts';
import { prepareFile } from './prepare.ts';
import type { IndexSource } from './types.ts';

/** What one batch of changed files turns into. */
export interface BatchPlan {
  docs: PreparedDocument[];
  problems: { path: string; reason: string }[];
  /** Listed as changed but absent at head. */
  missing: string[];
}

export interface BatchDeps {
  db: Db;
  schema: string;
  source: IndexSource;
  maxFileBytes?: number | undefined;
}

/**
 * Reads and parses a batch of changed files. Unless `full`, files whose stored blob sha already equals the new one
 * are left out (so a run restarted after an interruption redoes only what is missing).
 * @example const plan = await planBatch(deps, changes.slice(0, 500), head, false);
 */
export async function planBatch(deps: BatchDeps, batch: FileChange[], head: string, full: boolean): Promise<BatchPlan> {
  const current = full ? new Map<string, string>() : await storedOids(deps.db, deps.schema, batch.map((c) => c.path));
  const todo = batch.filter((c) => c.oid === undefined || current.get(c.path) !== c.oid);
  const prepared = await Promise.all(
    todo.map((c) => prepareFile(deps.source, c.path, head, { maxFileBytes: deps.maxFileBytes, oid: c.kind === 'deleted' ? undefined : c.oid })),
  );
  const plan: BatchPlan = { docs: [], problems: [], missing: [] };
  for (const item of prepared) {
    if (item.kind === 'missing') plan.missing.push(item.path);
    else if (item.kind === 'problem') plan.problems.push({ path: item.path, reason: item.reason });
    else if (full || current.get(item.doc.path) !== item.doc.oid) plan.docs.push(item.doc);
  }
  return plan;
}

/**
 * Applies a batch in ONE transaction: rows of unreadable files and of files gone are removed, documents re-written.
 * Returns how many gone files had rows, and the chunks written (to embed).
 * @example const { removed, chunks } = await writeBatch(db, 'kb', plan, head);
 */
export async function writeBatch(
  db: Db,
  schema: string,
  plan: BatchPlan,
  head: string,
): Promise<{ removed: number; chunks: WrittenChunk[] }> {
  return db.transaction(async (tx) => {
    // Instances indexing the same schema at once would otherwise collide on the rows they both re-insert.
    await tx.query(`select pg_advisory_xact_lock(hashtext('kb:index:' || $1::text))`, [schema]);
    await deleteDocuments(tx, schema, plan.problems.map((p) => p.path));
    const removed = await deleteDocuments(tx, schema, plan.missing);
    return { removed, chunks: await writeDocuments(tx, schema, plan.docs, head) };
  });
}
