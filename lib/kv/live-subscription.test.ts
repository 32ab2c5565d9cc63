import { describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { subscribeLive } from './live-subscription.ts';
import { createMemoryKv } from './memory.ts';
import type { Kv, SubscribeOptions } from './types.ts';

/**
 * The in-memory KV, whose subscriptions the test can interrupt and resume as a dropped and re-established Redis
 * connection would (the adapters' own tests show they report those).
 */
function interruptibleKv(options: { interruptBeforeResolving?: boolean } = {}) {
  const kv = createMemoryKv();
  const subscribers: SubscribeOptions[] = [];
  const wrapped: Kv = {
    ...kv,
    async subscribe(channel, onMessage, subscribeOptions = {}) {
      const unsubscribe = await kv.subscribe(channel, onMessage);
      subscribers.push(subscribeOptions);
      // The connection drops between the SUBSCRIBE reply and the caller seeing it.
      if (options.interruptBeforeResolving) subscribeOptions.onInterrupt?.();
      return unsubscribe;
    },
  };
  return {
    kv: wrapped,
    publish: (message: string) => kv.publish('ch', message),
    interrupt: () => {
      for (const s of subscribers) s.onInterrupt?.();
    },
    resume: () => {
      for (const s of subscribers) s.onResume?.();
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('subscribeLive', () => {
  it('is live once subscribed; a gap drops it (onGap, a new epoch, distrust from then) until it resumes', async () => {
    const { kv, interrupt, resume } = interruptibleKv();
    const gaps: number[] = [];
    const feed = subscribeLive({ kv, channel: 'ch', logger: createMemoryLogger(), onMessage: () => {}, onGap: () => gaps.push(Date.now()) });
    await tick();
    expect([feed.live, feed.distrustBefore]).toEqual([true, 0]);
    const epoch = feed.epoch;
    interrupt();
    expect(feed.live).toBe(false);
    expect(gaps).toHaveLength(1);
    expect(feed.epoch).toBeGreaterThan(epoch);
    const since = feed.distrustBefore;
    expect(since).toBeGreaterThan(0);
    await tick();
    resume();
    expect(feed.live).toBe(true);
    expect(feed.distrustBefore).toBeGreaterThan(since);
  });

  it('stays not live when the connection dropped before the subscription was reported', async () => {
    const { kv, resume } = interruptibleKv({ interruptBeforeResolving: true });
    const feed = subscribeLive({ kv, channel: 'ch', logger: createMemoryLogger(), onMessage: () => {} });
    await tick();
    expect(feed.live).toBe(false);
    resume();
    expect(feed.live).toBe(true);
  });

  it('with maxSilenceMs, is live only while messages keep coming, and trusts nothing older than the silence', async () => {
    const { kv, publish } = interruptibleKv();
    const messages: string[] = [];
    let gaps = 0;
    const feed = subscribeLive({
      kv,
      channel: 'ch',
      logger: createMemoryLogger(),
      onMessage: (m) => messages.push(m),
      onGap: () => gaps++,
      maxSilenceMs: 100,
    });
    await tick();
    expect(feed.live).toBe(true);
    await publish('beat');
    await vi.waitFor(() => expect(messages).toEqual(['beat']));
    // Nothing for longer than the limit: a subscription that died without telling looks exactly like this.
    await vi.waitFor(() => expect(feed.live).toBe(false), { timeout: 1_000 });
    expect(gaps).toBe(1);
    const quietSince = feed.distrustBefore;
    await publish('beat');
    await vi.waitFor(() => expect(feed.live).toBe(true));
    expect(feed.distrustBefore).toBeGreaterThanOrEqual(quietSince);
  });
});
