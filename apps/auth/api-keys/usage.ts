import type { Db } from '../../../lib/db/types.ts';
import type { AuthDeps } from '../deps.ts';

/** Default seconds between two flushes of `last_used_at`. */
export const DEFAULT_KEY_USAGE_FLUSH_S = 30;

/** Key id → latest use (ms), per database: verifications only touch this map, never the database. */
const pending = new WeakMap<Db, Map<string, number>>();

function bufferOf(db: Db): Map<string, number> {
  let buffer = pending.get(db);
  if (!buffer) {
    buffer = new Map();
    pending.set(db, buffer);
  }
  return buffer;
}

/**
 * Remembers that key `keyId` was used at `at` (ms), in memory; {@link flushKeyUsage} writes it later.
 * @example recordKeyUse(deps, row.id, deps.now());
 */
export function recordKeyUse(deps: Pick<AuthDeps, 'db'>, keyId: string, at: number): void {
  const buffer = bufferOf(deps.db);
  const previous = buffer.get(keyId);
  if (previous === undefined || at > previous) buffer.set(keyId, at);
}

/** How many keys have a use not yet written (tests, metrics). */
export function pendingKeyUses(deps: Pick<AuthDeps, 'db'>): number {
  return pending.get(deps.db)?.size ?? 0;
}

/**
 * Writes every remembered key use in ONE `update` (nothing when there is none); `last_used_at` only moves forward.
 * On failure the uses are kept for the next flush and the error is rethrown. Resolves with the number of keys.
 * @example await flushKeyUsage(deps); // e.g. at shutdown
 */
export async function flushKeyUsage(deps: Pick<AuthDeps, 'db'>): Promise<number> {
  const buffer = pending.get(deps.db);
  if (!buffer || buffer.size === 0) return 0;
  const batch = [...buffer].map(([id, at]) => ({ id, t: new Date(at).toISOString() }));
  buffer.clear();
  try {
    await deps.db.query(
      `update auth.api_keys k set last_used_at = u.t
         from jsonb_to_recordset($1::text::jsonb) as u(id uuid, t timestamptz)
        where k.id = u.id and (k.last_used_at is null or k.last_used_at < u.t)`,
      [JSON.stringify(batch)],
    );
  } catch (err) {
    for (const { id, t } of batch) recordKeyUse(deps, id, Date.parse(t));
    throw err;
  }
  return batch.length;
}

/**
 * Flushes key uses every `intervalS` seconds (default 30) until the returned function is called, which stops the
 * timer and flushes once more. The timer never keeps a Node process alive. Failures are logged, not thrown.
 * @example const stopFlusher = startKeyUsageFlusher(deps); onShutdown(stopFlusher);
 */
export function startKeyUsageFlusher(
  deps: Pick<AuthDeps, 'db' | 'logger'>,
  options: { intervalS?: number } = {},
): () => void {
  const flush = () => {
    flushKeyUsage(deps).catch((err: unknown) => {
      deps.logger.warn('api key usage flush failed; retrying at the next interval', {
        error: err instanceof Error ? err.message : String(err),
      });
    });
  };
  const timer = setInterval(flush, (options.intervalS ?? DEFAULT_KEY_USAGE_FLUSH_S) * 1000);
  (timer as { unref?: () => void }).unref?.();
  let stopped = false;
  return function stopKeyUsageFlusher() {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    flush();
  };
}
