export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long it stays open before one trial call may go through (half-open). Default 30 s. */
  cooldownMs?: number;
  now?: () => number;
}

/** One admitted call; report exactly one outcome. */
export interface CircuitPermit {
  success(): void;
  failure(): void;
  /** The call ended saying nothing about the provider's health (the caller went away, a bad request). */
  release(): void;
}

export interface CircuitBreaker {
  state(): CircuitState;
  /** A permit when a call may go now (in half-open: one trial at a time), else undefined. */
  acquire(): CircuitPermit | undefined;
}

/**
 * A per-provider circuit breaker: opens after `failureThreshold` consecutive failures, refuses calls for
 * `cooldownMs`, then lets one trial through — its success closes the circuit, its failure opens it again.
 * @example const permit = breaker.acquire(); if (!permit) throw circuitOpen; try { ...; permit.success() } ...
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;

  const state = (): CircuitState => {
    if (openedAt === undefined) return 'closed';
    return now() - openedAt >= cooldownMs ? 'half_open' : 'open';
  };

  function permit(trial: boolean): CircuitPermit {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      if (trial) trialInFlight = false;
      outcome();
    };
    return {
      success: () =>
        settle(() => {
          failures = 0;
          openedAt = undefined;
        }),
      failure: () =>
        settle(() => {
          failures += 1;
          if (trial || failures >= threshold) openedAt = now();
        }),
      release: () => settle(() => {}),
    };
  }

  return {
    state,
    acquire() {
      const current = state();
      if (current === 'closed') return permit(false);
      if (current === 'open' || trialInFlight) return undefined;
      trialInFlight = true;
      return permit(true);
    },
  };
}
