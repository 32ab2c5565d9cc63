import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { withDeadline } from './deadline.ts';
import { Readiness } from './readiness.ts';

describe('Readiness', () => {
  it('retries a failing start-up task with backoff until it succeeds, logging each failure', async () => {
    const logger = createMemoryLogger();
    const readiness = new Readiness(logger);
    let calls = 0;
    const started = readiness.start(
      'database',
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('connection refused');
      },
      { minDelayMs: 5, maxDelayMs: 20 },
    );
    await new Promise((r) => setTimeout(r, 1));
    const early = await readiness.check();
    expect(early.ready).toBe(false);
    expect(early.components.database).toMatchObject({ status: 'failing', error: 'connection refused' });
    await started;
    const late = await readiness.check();
    expect(late).toEqual({ ready: true, components: { database: { status: 'ready', attempts: 3 } } });
    const warnings = logger.entries().filter((e) => e.msg === 'dependency not ready, will retry');
    expect(warnings.map((w) => w.retryInMs)).toEqual([5, 10]);
    expect(logger.entries().at(-1)).toMatchObject({ msg: 'dependency recovered', component: 'database' });
  });

  it('reports a ready component whose probe fails (or hangs) as failing, and ready again once it passes', async () => {
    const readiness = new Readiness(createMemoryLogger());
    let up = true;
    readiness.watch('redis', async () => {
      if (!up) throw new Error('ECONNREFUSED');
    });
    readiness.watch('slow', () => new Promise(() => {}), 20);
    const snap = await readiness.check();
    expect(snap.components.redis?.status).toBe('ready');
    expect(snap.components.slow).toMatchObject({ status: 'failing', error: 'no answer within 20 ms' });
    up = false;
    expect((await readiness.check()).components.redis).toMatchObject({ status: 'failing', error: 'ECONNREFUSED' });
  });

  it('aborts the signal of a probe that runs out of time', async () => {
    const readiness = new Readiness(createMemoryLogger());
    let seen: AbortSignal | undefined;
    readiness.watch('hung', (signal) => {
      seen = signal;
      return new Promise(() => {});
    }, 15);
    expect((await readiness.check()).components.hung).toMatchObject({ status: 'failing', error: 'no answer within 15 ms' });
    expect(seen?.aborted).toBe(true);
  });

  it('pending() keeps /ready not ready until the later task is started and done', async () => {
    const readiness = new Readiness(createMemoryLogger());
    readiness.pending('repository');
    await readiness.start('database', async () => {});
    // The first task is done and the second not started yet: still not ready.
    expect(await readiness.check()).toEqual({
      ready: false,
      components: { repository: { status: 'starting', attempts: 0 }, database: { status: 'ready', attempts: 1 } },
    });
    await readiness.start('repository', async () => {});
    expect((await readiness.check()).ready).toBe(true);
    readiness.pending('repository'); // a no-op once the component exists
    expect((await readiness.check()).ready).toBe(true);
  });

  it('stop() ends the retry loop', async () => {
    const readiness = new Readiness(createMemoryLogger());
    let calls = 0;
    const started = readiness.start('x', async () => {
      calls += 1;
      throw new Error('down');
    }, { minDelayMs: 10_000 });
    await new Promise((r) => setTimeout(r, 5));
    readiness.stop();
    await started;
    expect(calls).toBe(1);
  });
});

describe('withDeadline', () => {
  it('resolves with the result in time, rejects at the deadline even when the work ignores the signal', async () => {
    expect(await withDeadline(100, async () => 'done')).toBe('done');
    let signal: AbortSignal | undefined;
    const started = performance.now();
    await expect(
      withDeadline(20, (s) => {
        signal = s;
        return new Promise(() => {});
      }),
    ).rejects.toThrow('no answer within 20 ms');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(signal?.aborted).toBe(true);
    await expect(withDeadline(100, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(withDeadline(100, () => { throw new Error('sync throw'); })).rejects.toThrow('sync throw');
  });
});
