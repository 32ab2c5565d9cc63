import { describe, expect, it } from 'vitest';
import { encodeSessionRecord, encodeTokenVersionRecord, revocationKeys, type SessionState } from '../../../lib/auth/revocation.ts';
import { createMemoryKv } from '../../../lib/kv/memory.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { createSessionGuard } from './session-guard.ts';

const USER = '7d0e4c2a-0000-4000-8000-00000000000a';
const SESSION = '7d0e4c2a-0000-4000-8000-00000000000b';

/**
 * The guard over the in-memory KV, counting its reads; `truth` is what the auth service's database says (the
 * `check` the guard asks when its records do not do), and `feed` the revocation feed's state as the test sets it.
 */
function setup() {
  const raw = createMemoryKv();
  const counts = { gets: 0, checks: 0 };
  const kv: Kv = {
    ...raw,
    get: (key) => {
      counts.gets++;
      return raw.get(key);
    },
  };
  const truth: SessionState = { tokenVersion: 0, session: 'active' };
  const feed = { live: true, epoch: 0, distrustBefore: 0 };
  const guard = createSessionGuard({
    kv,
    feed,
    logger: createMemoryLogger(),
    check: async (_userId, sessionId) => {
      counts.checks++;
      return sessionId === undefined ? { tokenVersion: truth.tokenVersion } : { ...truth };
    },
  });
  const query = (privileged = false) => ({ userId: USER, sessionId: SESSION, privileged, expiresAt: Date.now() + 900_000 });
  return { guard, raw, counts, truth, feed, query };
}

describe('session guard', () => {
  it('asks the auth service once, fills the KV, then answers from memory while the feed is live', async () => {
    const { guard, raw, counts, query } = setup();
    expect(await guard.state(query())).toEqual({ tokenVersion: 0, session: 'active' });
    expect(counts.checks).toBe(1);
    expect(await raw.get(revocationKeys.session(SESSION))).not.toBeNull();
    const gets = counts.gets;
    for (let i = 0; i < 10; i++) await guard.state(query());
    expect([counts.gets, counts.checks]).toEqual([gets, 1]);
  });

  it('reads a privileged caller from the KV on every request, never from memory', async () => {
    const { guard, raw, counts, query } = setup();
    await guard.state(query(true));
    const gets = counts.gets;
    await guard.state(query(true));
    await guard.state(query(true));
    expect(counts.gets).toBe(gets + 4); // the version and the session record, each time
    expect(counts.checks).toBe(1);
    // The auth service writes the new version before answering the demotion: the next request sees it.
    await raw.set(revocationKeys.tokenVersion(USER), encodeTokenVersionRecord({ version: 1, at: Date.now() }));
    expect((await guard.state(query(true))).tokenVersion).toBe(1);
  });

  it('only moves towards refusal: what the feed told is kept over anything read before or after', async () => {
    const { guard, query } = setup();
    await guard.state(query());
    guard.apply({ type: 'session', sessionId: SESSION });
    guard.apply({ type: 'user', userId: USER, tokenVersion: 4 });
    guard.apply({ type: 'user', userId: USER, tokenVersion: 2 }); // late and older: ignored
    expect(await guard.state(query())).toEqual({ tokenVersion: 4, session: 'ended' });
  });

  it('after a gap, checks records older than it once with the auth service, then trusts them as confirmed', async () => {
    const { guard, raw, counts, feed, query } = setup();
    const old = Date.now() - 60_000;
    await raw.set(revocationKeys.tokenVersion(USER), encodeTokenVersionRecord({ version: 0, at: old }));
    await raw.set(revocationKeys.session(SESSION), encodeSessionRecord({ state: 'active', at: old }));
    expect(await guard.state(query(true))).toEqual({ tokenVersion: 0, session: 'active' });
    expect(counts.checks).toBe(0);
    // A gap: the records may predate a revocation this gateway missed.
    feed.epoch++;
    feed.distrustBefore = Date.now();
    guard.dropMemory();
    await guard.state(query(true));
    expect(counts.checks).toBe(1);
    await guard.state(query(true));
    await guard.state(query(true));
    expect(counts.checks).toBe(1);
  });

  it('never calls a stale record fine: after a gap the auth service says the session ended, and that wins', async () => {
    const { guard, raw, truth, feed, query } = setup();
    await raw.set(revocationKeys.tokenVersion(USER), encodeTokenVersionRecord({ version: 0, at: Date.now() - 60_000 }));
    await raw.set(revocationKeys.session(SESSION), encodeSessionRecord({ state: 'active', at: Date.now() - 60_000 }));
    feed.epoch++;
    feed.distrustBefore = Date.now();
    truth.session = 'ended'; // ended during the gap; the KV never heard
    expect((await guard.state(query())).session).toBe('ended');
    expect((await guard.state(query(true))).session).toBe('ended');
  });

  it('asks the auth service on every request while the KV is down and the feed is not live', async () => {
    const { counts, feed, query } = setup();
    const down = createSessionGuard({
      kv: { ...createMemoryKv(), get: () => Promise.reject(new Error('kv get failed: Redis is not connected')) },
      feed: { ...feed, live: false },
      logger: createMemoryLogger(),
      check: async () => {
        counts.checks++;
        return { tokenVersion: 0, session: 'active' };
      },
    });
    await down.state(query());
    await down.state(query());
    expect(counts.checks).toBe(2);
  });
});
