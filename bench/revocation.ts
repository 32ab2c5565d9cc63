/**
 * `npm run bench -- revocation`: how long a taken-away credential keeps working on ANOTHER gateway instance. Two
 * gateways in front of one platform, sharing only Redis (REDIS_URL, default redis://127.0.0.1:6379; a client each,
 * as separate processes would have) or, with BENCH_KV=memory, one in-memory KV. For each of N rounds: warm the
 * credential on both gateways, take it away through gateway A, then poll gateway B every millisecond until it
 * refuses. Prints, per case, the time from A's answer to B's first refusal (p50 / p95 / max) and how many requests B
 * still accepted meanwhile. Uses PostgreSQL when DATABASE_URL is set (a fresh database), else PGlite.
 */
import { loadavg } from 'node:os';
import {
  bearer,
  createApiKey,
  createGatewayTestbed,
  jsonRequest,
  randomIp,
  redisKvGroup,
  signUp,
  socketEnv,
  type TestUser,
} from '../apps/gateway/auth/testing.ts';
import { createMemoryKv } from '../lib/kv/memory.ts';
import type { Kv } from '../lib/kv/types.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const MODE = process.env.BENCH_KV === 'memory' ? 'memory' : 'redis';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const POLL_LIMIT_MS = 3_000;

const memory = createMemoryKv();
const group = MODE === 'redis' ? redisKvGroup(REDIS_URL) : { client: (): Kv => memory, close: () => memory.close() };
console.log(
  `revocation benchmark: ${ROUNDS} rounds per case, two gateways on ${MODE === 'redis' ? `Redis (${REDIS_URL}, a client each)` : 'one in-memory KV'}, ` +
    `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, node ${process.version}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
);

const bed = await createGatewayTestbed({ kv: group.client() });
const a = bed.gateway({ kv: group.client() });
const b = bed.gateway({ kv: group.client() });
await new Promise((resolve) => setTimeout(resolve, 300)); // both gateways subscribe in the background
type Gateway = typeof a;

const env = () => socketEnv(randomIp());
const status = async (gw: Gateway, path: string, headers: Record<string, string>) => {
  const res = await gw.request(path, { headers }, env());
  await res.body?.cancel();
  return res.status;
};
const login = async (gw: Gateway, user: TestUser) => {
  const res = await gw.request('/api/v1/auth/login', jsonRequest('POST', { email: user.email, password: user.password }), env());
  return (await res.json()) as { access_token: string; refresh_token: string };
};
const setRoles = async (user: TestUser, roles: string[]) => {
  await bed.runtime.db.query('delete from auth.user_roles where user_id = $1', [user.userId]);
  for (const role of roles) await bed.runtime.db.query('insert into auth.user_roles (user_id, role) values ($1, $2)', [user.userId, role]);
};

/** Polls `path` on gateway B until it refuses; answers the time since `from` and the requests it accepted meanwhile. */
async function untilRefused(path: string, headers: Record<string, string>, from: number) {
  let accepted = 0;
  for (;;) {
    const code = await status(b, path, headers);
    const ms = performance.now() - from;
    if (code === 401 || code === 403) return { ms, accepted };
    accepted++;
    if (ms > POLL_LIMIT_MS) return { ms: Number.POSITIVE_INFINITY, accepted };
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

interface Case {
  name: string;
  /** Prepares a credential, warms it on both gateways, takes it away through A; answers what B should refuse. */
  round: () => Promise<{ at: number; path: string; headers: Record<string, string> }>;
}

const root = await signUp(a);
await setRoles(root, ['super_admin']);
const rootToken = (await login(a, root)).access_token;

const cases: Case[] = [
  {
    name: "demoted admin's token, admin route",
    async round() {
      const admin = await signUp(a);
      await setRoles(admin, ['admin', 'user']);
      const headers = bearer((await login(a, admin)).access_token);
      const path = `/api/v1/auth/admin/users/${root.userId}`;
      for (const gw of [a, b]) await status(gw, path, headers);
      await a.request(`/api/v1/auth/admin/users/${admin.userId}/roles`, jsonRequest('PUT', { roles: ['user'] }, bearer(rootToken)), env());
      return { at: performance.now(), path, headers };
    },
  },
  {
    name: "demoted admin's token, ordinary route",
    async round() {
      const admin = await signUp(a);
      await setRoles(admin, ['kb_admin', 'user']);
      const headers = bearer((await login(a, admin)).access_token);
      const path = '/api/v1/conversations';
      for (const gw of [a, b]) for (let i = 0; i < 3; i++) await status(gw, path, headers);
      await a.request(`/api/v1/auth/admin/users/${admin.userId}/roles`, jsonRequest('PUT', { roles: ['user'] }, bearer(rootToken)), env());
      return { at: performance.now(), path, headers };
    },
  },
  {
    name: 'logged-out session',
    async round() {
      const user = await signUp(a);
      const session = await login(a, user);
      const headers = bearer(session.access_token);
      const path = '/api/v1/conversations';
      for (const gw of [a, b]) for (let i = 0; i < 3; i++) await status(gw, path, headers);
      await a.request('/api/v1/auth/logout', jsonRequest('POST', { refresh_token: session.refresh_token }, headers), env());
      return { at: performance.now(), path, headers };
    },
  },
  {
    name: 'revoked API key',
    async round() {
      const user = await signUp(a);
      const { id, key } = await createApiKey(a, user);
      const headers = { 'x-api-key': key };
      const path = '/api/v1/conversations';
      for (const gw of [a, b]) for (let i = 0; i < 3; i++) await status(gw, path, headers);
      await a.request(`/api/v1/auth/api-keys/${id}`, { method: 'DELETE', headers: bearer(user) }, env());
      return { at: performance.now(), path, headers };
    },
  },
];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : 'never').padStart(9);
const results: { name: string; times: number[]; accepted: number }[] = [];
try {
  for (const c of cases) {
    process.stdout.write(`  ${c.name}...\n`);
    const times: number[] = [];
    let accepted = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const { at, path, headers } = await c.round();
      const seen = await untilRefused(path, headers, at);
      times.push(seen.ms);
      accepted += seen.accepted;
    }
    results.push({ name: c.name, times: times.sort((x, y) => x - y), accepted });
  }
} finally {
  bed.platform.stop();
  await bed.close();
  await group.close();
}

console.log(`\n${'case (refused on gateway B after A answered)'.padEnd(46)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'max ms'.padStart(9)}${'accepted'.padStart(10)}`);
for (const r of results) {
  console.log(`${r.name.padEnd(46)}${fmt(quantile(r.times, 0.5))}${fmt(quantile(r.times, 0.95))}${fmt(r.times.at(-1)!)}${String(r.accepted).padStart(10)}`);
}
console.log('\n  aims: admin route refused at once (0 accepted); everything else within 1 s on every gateway');
process.exit(0);
