import type { SqlRunner } from '../../../lib/db/types.ts';

/**
 * Verified provider webhooks in `<schema>.callbacks`, keyed by provider and task: the worker waiting for a task reads
 * the row as well as listening on the KV, so a callback that arrived before it started waiting is not missed.
 */
export class CallbackStore {
  readonly #t: string;

  constructor(schema: string) {
    this.#t = `"${schema}".callbacks`;
  }

  /** Records (or replaces: providers resend) the callback about `taskId`. */
  async put(db: SqlRunner, provider: string, taskId: string, payload: unknown): Promise<void> {
    await db.query(
      `insert into ${this.#t} (provider, task_id, payload) values ($1, $2, $3)
       on conflict (provider, task_id) do update set payload = excluded.payload, received_at = now()`,
      // Wrapped: the adapters encode a bare JSON string differently (postgres.js quotes it again).
      [provider, taskId, { value: payload ?? null }],
    );
  }

  /** The callback about `taskId`, if it arrived. */
  async get(db: SqlRunner, provider: string, taskId: string): Promise<{ payload: unknown } | null> {
    const rows = await db.query(`select payload from ${this.#t} where provider = $1 and task_id = $2`, [provider, taskId]);
    return rows[0] ? { payload: (rows[0].payload as { value: unknown }).value } : null;
  }
}
