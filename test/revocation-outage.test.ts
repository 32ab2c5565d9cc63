import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createApiKey,
  createGatewayTestbed,
  type GatewayTestbed,
  jsonRequest,
  randomIp,
  requiredRedisUrl,
  signUp,
  socketEnv,
} from '../apps/gateway/auth/testing.ts';
import { hashApiKey } from '../lib/auth/api-key-format.ts';
import { parseApiKeyMarker } from '../lib/auth/revocation.ts';
import { createRedisKv } from '../lib/kv/redis.ts';
import type { Kv } from '../lib/kv/types.ts';
import { deleteKvPrefix, uniqueKvPrefix } from '../lib/testing/kv.ts';
import { startTcpProxy, type TcpProxy } from '../lib/testing/tcp-proxy.ts';

const redisUrl = requiredRedisUrl();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** REDIS_URL with its host and port swapped for the proxy's. */
function viaProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

/**
 * Revocations while Redis is briefly gone: the auth service and a gateway both reach Redis through a TCP proxy that
 * is cut for two seconds around a revocation. Nothing revoked may work again once Redis is back — not from the
 * gateway's memory (its subscription dropped), not from the KV record the auth service could not mark revoked then.
 */
describe.skipIf(!redisUrl)('revocations across a Redis blip', () => {
  const prefix = uniqueKvPrefix('blip');
  let proxy: TcpProxy;
  let bed: GatewayTestbed;
  let gateway: ReturnType<GatewayTestbed['gateway']>;
  let direct: Kv;
  const clients: Kv[] = [];

  beforeAll(async () => {
    const target = new URL(redisUrl!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const proxied = () => {
      const kv = createRedisKv(viaProxy(redisUrl!, proxy.port), { keyPrefix: prefix });
      clients.push(kv);
      return kv;
    };
    direct = createRedisKv(redisUrl!, { keyPrefix: prefix });
    bed = await createGatewayTestbed({ kv: proxied() });
    gateway = bed.gateway({ kv: proxied() });
    await sleep(200); // the gateway subscribes in the background
  });
  afterAll(async () => {
    await bed?.close();
    await Promise.allSettled(clients.map((kv) => kv.close()));
    await direct?.close();
    await proxy?.close();
    await deleteKvPrefix(redisUrl!, prefix);
  });

  const env = () => socketEnv(randomIp());

  /** Sends `request` every 25 ms for `ms` and answers the statuses with their time since `from`. */
  async function watch(request: () => Response | Promise<Response>, from: number, ms: number) {
    const seen: { at: number; status: number }[] = [];
    while (Date.now() - from < ms) {
      const res = await request();
      await res.body?.cancel();
      seen.push({ at: Date.now() - from, status: res.status });
      await sleep(25);
    }
    return seen;
  }

  it('a key revoked while Redis is down stays refused when Redis returns; the queued revocation lands within a second', async () => {
    const user = await signUp(gateway);
    const { id, key } = await createApiKey(gateway, user);
    const withKey = () => gateway.request('/api/v1/conversations', { headers: { 'x-api-key': key } }, env());
    // Warm: verified once, then kept in the gateway's memory and in the KV.
    for (let i = 0; i < 3; i++) expect((await withKey()).status).toBe(200);
    const record = `gw:apikey:${await hashApiKey(key)}`;
    expect(await direct.get(record)).not.toBeNull();

    await proxy.stop();
    await sleep(300);
    const revoked = await gateway.request(`/api/v1/auth/api-keys/${id}`, { method: 'DELETE', headers: bearer(user) }, env());
    expect(revoked.status).toBe(204);
    expect((await withKey()).status).toBe(401); // asked the auth service: Redis is down
    await sleep(1_700);
    expect(await direct.get(record)).not.toBeNull(); // the auth service could not put its marker over it yet

    await proxy.start();
    const back = Date.now();
    const seen = await watch(withKey, back, 1_500);
    expect(seen.filter((s) => s.status !== 401)).toEqual([]);
    // The auth service's queued revocation (its marker over the record, the message) landed once Redis was back.
    const announced = bed.runtime.logger.entries().find((e) => e.msg === 'queued revocations announced');
    expect(announced).toBeDefined();
    expect(Date.parse(String(announced!.time)) - back).toBeLessThanOrEqual(1_000);
    expect(parseApiKeyMarker((await direct.get(record)) ?? '')).toMatchObject({ revoked: true });
  });

  it('a session ended while Redis is down stays ended when Redis returns', async () => {
    const user = await signUp(gateway);
    const token = user.accessToken;
    const call = () => gateway.request('/api/v1/conversations', { headers: bearer(token) }, env());
    for (let i = 0; i < 3; i++) expect((await call()).status).toBe(200);

    await proxy.stop();
    await sleep(300);
    const out = await gateway.request('/api/v1/auth/logout', jsonRequest('POST', {}, bearer(token)), env());
    expect(out.status).toBe(200);
    expect((await call()).status).toBe(401);
    await sleep(1_700);

    await proxy.start();
    const seen = await watch(call, Date.now(), 1_500);
    expect(seen.filter((s) => s.status !== 401)).toEqual([]);
  });
});
