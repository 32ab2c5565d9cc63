import type { Kv, Unsubscribe } from '../../../lib/kv/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import { CHANNELS, subscribeQuietly } from './channels.ts';

/** Why a running job's signal fired. */
export type StopReason = 'cancelled' | 'lost' | 'lease' | 'shutdown';

interface Entry {
  attempt: number;
  controller: AbortController;
  done: Promise<void>;
}

/** Tells which of the running attempts no longer own their job (cancelled, finished or retaken elsewhere). */
export type LostCheck = (running: { id: string; attempt: number }[]) => Promise<string[]>;

/**
 * The jobs this instance runs, each with the AbortController its provider call listens to. A cancel reaches the
 * worker two ways: the `asset:cancel` KV message (at once, on whichever instance runs the job), and a database check
 * every `checkIntervalMs` (for a message lost while the KV was away) — so a cancelled job's signal fires within
 * about a second either way.
 */
export class RunningJobs {
  readonly #entries = new Map<string, Entry>();
  readonly #kv: Kv;
  readonly #logger: Logger;
  readonly #lost: LostCheck;
  readonly #checkIntervalMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: Unsubscribe | undefined;
  #checking = false;

  constructor(options: { kv: Kv; logger: Logger; lost: LostCheck; checkIntervalMs: number }) {
    this.#kv = options.kv;
    this.#logger = options.logger;
    this.#lost = options.lost;
    this.#checkIntervalMs = options.checkIntervalMs;
  }

  async start(): Promise<void> {
    if (this.#timer) return;
    this.#unsubscribe = await subscribeQuietly(this.#kv, this.#logger, CHANNELS.cancel, (message) => {
      const jobId = (() => {
        try {
          return (JSON.parse(message) as { jobId?: unknown }).jobId;
        } catch {
          return undefined;
        }
      })();
      if (typeof jobId === 'string') this.stop(jobId, 'cancelled');
    });
    this.#timer = setInterval(() => void this.#check(), this.#checkIntervalMs);
    this.#timer.unref?.();
  }

  /** Registers a running attempt; `work(signal)` is its run. Resolves when the run settles. */
  track<T>(jobId: string, attempt: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#entries.set(jobId, { attempt, controller, done });
    return work(controller.signal).finally(() => {
      if (this.#entries.get(jobId)?.controller === controller) this.#entries.delete(jobId);
      finish();
    });
  }

  /** Fires the signal of job `jobId`'s running attempt, if this instance runs it. */
  stop(jobId: string, reason: StopReason): void {
    const entry = this.#entries.get(jobId);
    if (entry && !entry.controller.signal.aborted) entry.controller.abort(reason);
  }

  /** Fires every running attempt's signal (shutdown). */
  stopAll(reason: StopReason): void {
    for (const id of this.#entries.keys()) this.stop(id, reason);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Resolves when nothing runs, or after `timeoutMs`, whichever comes first. */
  async drained(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all([...this.#entries.values()].map((e) => e.done)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#unsubscribe?.().catch(() => undefined);
  }

  async #check(): Promise<void> {
    if (this.#checking || this.#entries.size === 0) return;
    this.#checking = true;
    try {
      const running = [...this.#entries].map(([id, e]) => ({ id, attempt: e.attempt }));
      for (const id of await this.#lost(running)) this.stop(id, 'lost');
    } catch (err) {
      this.#logger.debug('running-job check failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.#checking = false;
    }
  }
}
