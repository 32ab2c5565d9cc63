import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  HEARTBEAT_MESSAGE,
  parseApiKeyMarker,
  parseSessionRecord,
  parseTokenVersionRecord,
  REVOCATIONS_CHANNEL,
  revocationKeys,
} from '../../../lib/auth/revocation.ts';
import { createMemoryKv } from '../../../lib/kv/memory.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { createRevocationPublisher, type RevocationPublisher } from './publisher.ts';

const HASH = 'a'.repeat(64);
const USER = '7d0e4c2a-0000-4000-8000-000000000001';
const SESSION = '7d0e4c2a-0000-4000-8000-000000000002';

/**
 * The in-memory KV with switches that make its writes or its publishes fail, as a Redis that is down, full
 * (`OOM command not allowed`) or read-only would — counting what was tried.
 */
function switchableKv() {
  const kv = createMemoryKv();
  const state = { writes: true, publishes: true, writeCalls: 0, publishCalls: 0 };
  const refused = () => Promise.reject(new Error('kv set failed: OOM command not allowed when used memory > maxmemory'));
  const wrapped: Kv = {
    ...kv,
    set: (key, value, options) => {
      state.writeCalls++;
      return state.writes ? kv.set(key, value, options) : refused();
    },
    delete: (key) => (state.writes ? kv.delete(key) : refused()),
    publish: (channel, message) => {
      state.publishCalls++;
      return state.publishes ? kv.publish(channel, message) : Promise.reject(new Error('kv publish failed: Redis is not connected'));
    },
  };
  return { kv: wrapped, raw: kv, state };
}

describe('revocation publisher', () => {
  const publishers: RevocationPublisher[] = [];
  afterEach(() => {
    for (const p of publishers.splice(0)) p.stop();
  });
  const make = (kv: Kv) => {
    const logger = createMemoryLogger();
    const publisher = createRevocationPublisher({ kv, logger, recordTtlMs: 60_000, retryMs: 20 });
    publishers.push(publisher);
    return { publisher, logger };
  };
  const listen = async (kv: Kv) => {
    const messages: unknown[] = [];
    await kv.subscribe(REVOCATIONS_CHANNEL, (m) => messages.push(JSON.parse(m)));
    return messages;
  };

  it('writes each record, then publishes: a key gets a marker, a session its end, a user its version', async () => {
    const { kv, raw } = switchableKv();
    const messages = await listen(raw);
    const { publisher } = make(kv);
    await publisher.announce([
      { type: 'api_key', keyHash: HASH, reason: 'revoked' },
      { type: 'session', sessionId: SESSION },
      { type: 'user', userId: USER, tokenVersion: 3 },
    ]);
    expect(parseApiKeyMarker((await raw.get(revocationKeys.apiKey(HASH)))!)).toMatchObject({ revoked: true });
    expect(parseSessionRecord((await raw.get(revocationKeys.session(SESSION)))!)).toMatchObject({ state: 'ended' });
    expect(parseTokenVersionRecord((await raw.get(revocationKeys.tokenVersion(USER)))!)).toMatchObject({ version: 3 });
    await vi.waitFor(() => expect(messages).toHaveLength(3));
    expect(publisher.pending).toBe(0);
  });

  it('still publishes when the KV refuses writes (full, read-only), and writes the records once it takes them', async () => {
    const { kv, raw, state } = switchableKv();
    const messages = await listen(raw);
    const { publisher, logger } = make(kv);
    state.writes = false;
    await publisher.announce([{ type: 'session', sessionId: SESSION }]);
    await vi.waitFor(() => expect(messages).toEqual([{ type: 'session', sessionId: SESSION }]));
    expect(publisher.pending).toBe(1);
    expect(logger.entries().some((e) => e.level === 'warn' && String(e.msg).startsWith('revocations could not reach the KV'))).toBe(true);
    state.writes = true;
    await vi.waitFor(() => expect(publisher.pending).toBe(0));
    expect(parseSessionRecord((await raw.get(revocationKeys.session(SESSION)))!)).toMatchObject({ state: 'ended' });
    expect(messages).toHaveLength(1); // published once, not again with the record
  });

  it('retries what failed while the KV is down, with the record stamped when it is written', async () => {
    const { kv, raw, state } = switchableKv();
    const messages = await listen(raw);
    const { publisher, logger } = make(kv);
    state.writes = false;
    state.publishes = false;
    await publisher.announce([{ type: 'user', userId: USER, tokenVersion: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const back = Date.now();
    state.writes = true;
    state.publishes = true;
    await vi.waitFor(() => expect(publisher.pending).toBe(0));
    expect(messages).toEqual([{ type: 'user', userId: USER, tokenVersion: 1 }]);
    expect(parseTokenVersionRecord((await raw.get(revocationKeys.tokenVersion(USER)))!)!.at).toBeGreaterThanOrEqual(back);
    expect(logger.entries().some((e) => e.msg === 'queued revocations announced')).toBe(true);
  });

  it("never writes a user's token version back to an older one", async () => {
    const { kv, raw, state } = switchableKv();
    const { publisher } = make(kv);
    state.writes = false;
    await publisher.announce([{ type: 'user', userId: USER, tokenVersion: 5 }]); // queued
    state.writes = true;
    await publisher.announce([{ type: 'user', userId: USER, tokenVersion: 6 }]);
    // An older announcement arriving late (two role changes finishing out of order) is dropped, too.
    await publisher.announce([{ type: 'user', userId: USER, tokenVersion: 4 }]);
    await vi.waitFor(() => expect(publisher.pending).toBe(0));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(parseTokenVersionRecord((await raw.get(revocationKeys.tokenVersion(USER)))!)!.version).toBe(6);
  });

  it('after one failure queues the rest without trying each (a black-holed Redis would make every try wait)', async () => {
    const { kv, state } = switchableKv();
    const { publisher } = make(kv);
    state.writes = false;
    state.publishes = false;
    const sessions = Array.from({ length: 5 }, (_, i) => ({ type: 'session' as const, sessionId: `${SESSION.slice(0, -1)}${i}` }));
    await publisher.announce(sessions);
    expect([state.writeCalls, state.publishCalls]).toEqual([1, 1]);
    expect(publisher.pending).toBe(5);
  });

  it('publishes a heartbeat now and on its interval, until stopped', async () => {
    const { kv, raw } = switchableKv();
    const beats: string[] = [];
    await raw.subscribe(REVOCATIONS_CHANNEL, (m) => beats.push(m));
    const { publisher } = make(kv);
    const stop = publisher.startHeartbeat(20);
    await vi.waitFor(() => expect(beats.length).toBeGreaterThanOrEqual(3));
    expect(new Set(beats)).toEqual(new Set([HEARTBEAT_MESSAGE]));
    stop();
    const count = beats.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(beats.length).toBe(count);
  });
});
