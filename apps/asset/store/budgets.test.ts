import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../lib/db/migrate.ts';
import type { Db } from '../../../lib/db/types.ts';
import { silentLogger } from '../../../lib/logging/logger.ts';
import { dbBackends, dropSchema, uniqueSchema } from '../../../lib/testing/db.ts';
import { assetMigrationsFor } from '../db/migrations.ts';
import { BudgetExceededError, BudgetStore, periodsOf } from './budgets.ts';

describe('budget periods', () => {
  it('are UTC days and months, resetting at the next midnight and the first of the next month', () => {
    const p = periodsOf(new Date('2026-12-31T23:59:59.999Z'));
    expect(p).toEqual({
      day: '2026-12-31',
      month: '2026-12-01',
      dayResetsAt: new Date('2027-01-01T00:00:00Z'),
      monthResetsAt: new Date('2027-01-01T00:00:00Z'),
    });
    expect(periodsOf(new Date('2028-02-29T12:00:00Z')).monthResetsAt).toEqual(new Date('2028-03-01T00:00:00Z'));
  });
});

describe.each(dbBackends())('budget reservations ($name)', ({ create }) => {
  let db: Db;
  let schema: string;
  const limits = { dailyMicros: 5_000_000, monthlyMicros: 8_000_000 };
  const periods = periodsOf(new Date('2026-06-15T10:00:00Z'));

  const setup = async () => {
    db = await create();
    schema = uniqueSchema('asset_b');
    await migrate(db, schema, assetMigrationsFor(schema), silentLogger);
    return new BudgetStore(schema);
  };
  afterEach(async () => {
    await dropSchema(db, schema);
    await db.close();
  });

  it('lets concurrent reservations take exactly what the budget allows', async () => {
    const budgets = await setup();
    const owner = crypto.randomUUID();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, () => db.transaction((tx) => budgets.reserve(tx, owner, 1_000_000, limits, periods))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(5);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    expect(refused.every((r) => r instanceof BudgetExceededError && r.period === 'day')).toBe(true);
    const usage = await budgets.usage(db, owner, limits, periods);
    expect(usage.day.reservedMicros).toBe(5_000_000);
    expect(usage.month.reservedMicros).toBe(5_000_000);
  });

  it('settles to the actual cost, releases on failure, and checks the month across days', async () => {
    const budgets = await setup();
    const owner = crypto.randomUUID();
    await db.transaction((tx) => budgets.reserve(tx, owner, 4_000_000, limits, periods));
    await db.transaction((tx) => budgets.settle(tx, owner, periods.day, periods.month, 4_000_000, 2_500_000));
    let usage = await budgets.usage(db, owner, limits, periods);
    expect([usage.day.spentMicros, usage.day.reservedMicros]).toEqual([2_500_000, 0]);
    await db.transaction((tx) => budgets.reserve(tx, owner, 2_000_000, limits, periods));
    await db.transaction((tx) => budgets.release(tx, owner, periods.day, periods.month, 2_000_000));
    usage = await budgets.usage(db, owner, limits, periods);
    expect([usage.day.spentMicros, usage.day.reservedMicros]).toEqual([2_500_000, 0]);
    // The next day: a fresh daily budget, but the month has only 5.5 left.
    const tomorrow = periodsOf(new Date('2026-06-16T10:00:00Z'));
    await db.transaction((tx) => budgets.reserve(tx, owner, 5_000_000, limits, tomorrow));
    const refused = await db.transaction((tx) => budgets.reserve(tx, owner, 1_000_000, limits, tomorrow)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect((refused as BudgetExceededError).period).toBe('day');
    const monthly = await db
      .transaction((tx) => budgets.reserve(tx, owner, 1_000_000, { dailyMicros: 100_000_000, monthlyMicros: 8_000_000 }, tomorrow))
      .catch((err: unknown) => err);
    expect((monthly as BudgetExceededError).period).toBe('month');
    expect((monthly as BudgetExceededError).resetsAt).toEqual(new Date('2026-07-01T00:00:00Z'));
    // A free job always passes, even over budget.
    await db.transaction((tx) => budgets.reserve(tx, owner, 0, { dailyMicros: 0, monthlyMicros: 0 }, tomorrow));
  });
});
