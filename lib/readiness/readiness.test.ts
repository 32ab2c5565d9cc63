import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
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
    expect(snap.components.slow).toMatchObject({ status: 'failing', error: 'timed out after 20 ms' });
    up = false;
    expect((await readiness.check()).components.redis).toMatchObject({ status: 'failing', error: 'ECONNREFUSED' });
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
