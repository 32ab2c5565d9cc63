import { CHANNELS, subscribeQuietly } from '../jobs/channels.ts';
import type { AssetCore } from './core.ts';

const POLL_MS = 2_000;

/**
 * `ProviderContext.waitForCallback`: resolves with the payload of the verified webhook about `taskId`, whichever
 * instance received it — heard on the KV at once, or found in `<schema>.callbacks` (it may have arrived before we
 * started waiting; the table is also polled in case a message was lost). Rejects when `signal` fires.
 * @example const payload = await waitForCallback(core, 'meshy', task.id, signal);
 */
export async function waitForCallback(core: AssetCore, provider: string, taskId: string, signal: AbortSignal): Promise<unknown> {
  signal.throwIfAborted();
  let settle!: (value: { payload: unknown } | { error: unknown }) => void;
  const outcome = new Promise<{ payload: unknown } | { error: unknown }>((resolve) => {
    settle = resolve;
  });
  const unsubscribe = await subscribeQuietly(core.kv, core.logger, CHANNELS.callback(provider, taskId), () => {
    void check();
  });
  const check = async () => {
    try {
      const stored = await core.callbacks.get(core.db, provider, taskId);
      if (stored) settle({ payload: stored.payload });
    } catch (err) {
      core.logger.debug('callback check failed', { provider, error: err instanceof Error ? err.message : String(err) });
    }
  };
  const onAbort = () => settle({ error: signal.reason });
  signal.addEventListener('abort', onAbort, { once: true });
  const poll = setInterval(() => void check(), POLL_MS);
  try {
    await check();
    const result = await outcome;
    if ('error' in result) throw result.error instanceof Error ? result.error : new Error(`aborted: ${String(result.error)}`);
    return result.payload;
  } finally {
    clearInterval(poll);
    signal.removeEventListener('abort', onAbort);
    await unsubscribe().catch(() => undefined);
  }
}
