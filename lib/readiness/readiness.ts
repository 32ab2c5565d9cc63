import type { Logger } from '../logging/logger.ts';
import { withDeadline } from './deadline.ts';

export type ComponentStatus = 'starting' | 'ready' | 'failing';

export interface ComponentState {
  status: ComponentStatus;
  attempts: number;
  error?: string;
}

export interface RetryOptions {
  /** First delay after a failure, doubled each time up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Checked after start-up succeeded: a failing probe makes `/ready` 503 until it passes again. */
  probe?: Probe;
  probeTimeoutMs?: number;
}

export interface ReadinessSnapshot {
  ready: boolean;
  components: Record<string, ComponentState>;
}

/** Checks a live dependency; `signal` aborts when the probe's time is up. */
export type Probe = (signal: AbortSignal) => Promise<void>;

interface Component {
  state: ComponentState;
  probe?: Probe;
  probeTimeoutMs: number;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Tracks a service's expensive dependencies. `start` runs a start-up task in the background, retrying with
 * exponential backoff (never crashing the process); `/ready` answers from {@link Readiness.check}.
 * @example readiness.start('database', () => migrate(db, migrations), { probe: () => db.ping() });
 */
export class Readiness {
  readonly #components = new Map<string, Component>();
  readonly #logger: Logger;
  #stopped = false;
  readonly #sleepers = new Map<ReturnType<typeof setTimeout>, () => void>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Starts `task` now and keeps retrying until it succeeds; resolves when it first succeeds (or on stop). */
  start(name: string, task: () => Promise<void>, options: RetryOptions = {}): Promise<void> {
    const minDelay = options.minDelayMs ?? 250;
    const maxDelay = options.maxDelayMs ?? 10_000;
    const component: Component = {
      state: { status: 'starting', attempts: 0 },
      probeTimeoutMs: options.probeTimeoutMs ?? 2_000,
      ...(options.probe ? { probe: options.probe } : {}),
    };
    this.#components.set(name, component);

    const attempt = async (delay: number): Promise<void> => {
      if (this.#stopped) return;
      component.state.attempts += 1;
      try {
        await task();
        const wasFailing = component.state.status === 'failing';
        component.state = { status: 'ready', attempts: component.state.attempts };
        this.#logger.info(wasFailing ? 'dependency recovered' : 'dependency ready', {
          component: name,
          attempts: component.state.attempts,
        });
      } catch (err) {
        component.state = { status: 'failing', attempts: component.state.attempts, error: message(err) };
        this.#logger.warn('dependency not ready, will retry', {
          component: name,
          attempt: component.state.attempts,
          retryInMs: delay,
          error: message(err),
        });
        await this.#sleep(delay);
        return attempt(Math.min(delay * 2, maxDelay));
      }
    };
    return attempt(minDelay);
  }

  /** Registers a dependency that needs no start-up, only a live probe (e.g. an auto-reconnecting Redis client). */
  watch(name: string, probe: Probe, probeTimeoutMs = 2_000): void {
    this.#components.set(name, { state: { status: 'ready', attempts: 0 }, probe, probeTimeoutMs });
  }

  /**
   * Declares a component whose start-up task begins later (after another one), so `/ready` stays 503 in between
   * instead of reporting ready while the first task is done and the second has not been started yet.
   */
  pending(name: string): void {
    if (!this.#components.has(name)) this.#components.set(name, { state: { status: 'starting', attempts: 0 }, probeTimeoutMs: 2_000 });
  }

  /** Current state, running each ready component's probe (with a timeout). */
  async check(): Promise<ReadinessSnapshot> {
    const entries = await Promise.all(
      [...this.#components].map(async ([name, component]): Promise<[string, ComponentState]> => {
        const { probe } = component;
        if (component.state.status !== 'ready' || !probe) return [name, { ...component.state }];
        try {
          await withDeadline(component.probeTimeoutMs, probe);
          return [name, { ...component.state }];
        } catch (err) {
          return [name, { status: 'failing', attempts: component.state.attempts, error: message(err) }];
        }
      }),
    );
    const components = Object.fromEntries(entries);
    return { ready: entries.every(([, s]) => s.status === 'ready'), components };
  }

  /** Stops pending retries (graceful shutdown). */
  stop(): void {
    this.#stopped = true;
    for (const [timer, wake] of this.#sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.#sleepers.clear();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleepers.delete(timer);
        resolve();
      }, ms);
      this.#sleepers.set(timer, resolve);
    });
  }
}
