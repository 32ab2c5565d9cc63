import type { SqlRunner } from '../../../lib/db/types.ts';

/** Per-user spending limits, in micro-dollars (config: `ASSET_BUDGET_DAILY_USD`, `ASSET_BUDGET_MONTHLY_USD`). */
export interface BudgetLimits {
  dailyMicros: number;
  monthlyMicros: number;
}

export type BudgetPeriod = 'day' | 'month';

/** The UTC day and month a moment falls in, and when each ends (the budget resets then). */
export interface BudgetPeriods {
  day: string;
  month: string;
  dayResetsAt: Date;
  monthResetsAt: Date;
}

/**
 * UTC calendar periods of `now`.
 * @example periodsOf(new Date('2026-03-31T23:00:00Z')) // { day: '2026-03-31', month: '2026-03-01', dayResetsAt: 2026-04-01T00:00Z, … }
 */
export function periodsOf(now: Date): BudgetPeriods {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  const iso = (date: Date) => date.toISOString().slice(0, 10);
  return {
    day: iso(new Date(Date.UTC(y, m, d))),
    month: iso(new Date(Date.UTC(y, m, 1))),
    dayResetsAt: new Date(Date.UTC(y, m, d + 1)),
    monthResetsAt: new Date(Date.UTC(y, m + 1, 1)),
  };
}

/** A reservation that would take a period over its limit. */
export class BudgetExceededError extends Error {
  constructor(
    readonly period: BudgetPeriod,
    readonly limitMicros: number,
    /** Spent plus reserved by running jobs, before this request. */
    readonly usedMicros: number,
    readonly requestedMicros: number,
    readonly resetsAt: Date,
  ) {
    super(`${period === 'day' ? 'daily' : 'monthly'} budget exceeded`);
    this.name = 'BudgetExceededError';
  }
}

export interface PeriodUsage {
  limitMicros: number;
  spentMicros: number;
  reservedMicros: number;
  resetsAt: Date;
}

/**
 * Budgets in `<schema>.budget_usage`, one row per user and UTC day / month. A job reserves its estimate when it is
 * enqueued — in the enqueue transaction, after locking both rows (`for update`), so two concurrent requests are
 * checked one after the other and cannot both fit in what is left — and settles to its actual cost when it
 * succeeds, or releases the reservation when it fails or is cancelled.
 */
export class BudgetStore {
  readonly #t: string;

  constructor(schema: string) {
    this.#t = `"${schema}".budget_usage`;
  }

  /**
   * Reserves `micros` in both periods or throws {@link BudgetExceededError} naming the first that would overflow.
   * A free job (0) always passes. Call inside the enqueue transaction.
   */
  async reserve(tx: SqlRunner, ownerId: string, micros: number, limits: BudgetLimits, periods: BudgetPeriods): Promise<void> {
    await tx.query(
      `insert into ${this.#t} (owner_id, period, period_start) values ($1, 'day', $2::date), ($1, 'month', $3::date)
       on conflict do nothing`,
      [ownerId, periods.day, periods.month],
    );
    const rows = await tx.query<{ period: BudgetPeriod; used: number }>(
      `select period, spent_micros + reserved_micros as used from ${this.#t}
       where owner_id = $1 and ((period = 'day' and period_start = $2::date) or (period = 'month' and period_start = $3::date))
       order by period for update`,
      [ownerId, periods.day, periods.month],
    );
    if (micros > 0) {
      for (const period of ['day', 'month'] as const) {
        const used = Number(rows.find((r) => r.period === period)?.used ?? 0);
        const limit = period === 'day' ? limits.dailyMicros : limits.monthlyMicros;
        if (used + micros > limit) {
          throw new BudgetExceededError(period, limit, used, micros, period === 'day' ? periods.dayResetsAt : periods.monthResetsAt);
        }
      }
    }
    await this.#move(tx, ownerId, periods.day, periods.month, micros, 0);
  }

  /** The job succeeded: its reservation becomes what it actually cost. */
  settle(tx: SqlRunner, ownerId: string, day: string, month: string, reservedMicros: number, actualMicros: number): Promise<void> {
    return this.#move(tx, ownerId, day, month, -reservedMicros, actualMicros);
  }

  /** The job failed or was cancelled: its reservation is given back. */
  release(tx: SqlRunner, ownerId: string, day: string, month: string, reservedMicros: number): Promise<void> {
    return this.#move(tx, ownerId, day, month, -reservedMicros, 0);
  }

  /** What the user has spent and reserved in the current day and month. */
  async usage(db: SqlRunner, ownerId: string, limits: BudgetLimits, periods: BudgetPeriods): Promise<Record<BudgetPeriod, PeriodUsage>> {
    const rows = await db.query<{ period: BudgetPeriod; spent: number; reserved: number }>(
      `select period, spent_micros as spent, reserved_micros as reserved from ${this.#t}
       where owner_id = $1 and ((period = 'day' and period_start = $2::date) or (period = 'month' and period_start = $3::date))`,
      [ownerId, periods.day, periods.month],
    );
    const of = (period: BudgetPeriod): PeriodUsage => {
      const row = rows.find((r) => r.period === period);
      return {
        limitMicros: period === 'day' ? limits.dailyMicros : limits.monthlyMicros,
        spentMicros: Number(row?.spent ?? 0),
        reservedMicros: Number(row?.reserved ?? 0),
        resetsAt: period === 'day' ? periods.dayResetsAt : periods.monthResetsAt,
      };
    };
    return { day: of('day'), month: of('month') };
  }

  async #move(tx: SqlRunner, ownerId: string, day: string, month: string, reservedDelta: number, spentDelta: number): Promise<void> {
    if (reservedDelta === 0 && spentDelta === 0) return;
    await tx.query(
      `update ${this.#t} set reserved_micros = greatest(reserved_micros + $4, 0), spent_micros = spent_micros + $5
       where owner_id = $1 and ((period = 'day' and period_start = $2::date) or (period = 'month' and period_start = $3::date))`,
      [ownerId, day, month, reservedDelta, spentDelta],
    );
  }
}
