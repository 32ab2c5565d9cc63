import type { GatewayOptions } from '../../apps/gateway/deps.ts';

/** The whole-platform benches' gateway: production-like limits, rate limits far above what the benchmark sends. */
export const BENCH_GATEWAY_OPTIONS: GatewayOptions = {
  corsOrigins: [],
  bodyLimitBytes: 1024 * 1024,
  upstreamTimeoutMs: 60_000,
  healthTimeoutMs: 2_000,
  // Far above what the benchmark sends: every request pays for the check, none is refused.
  rateLimits: { anonPerMinute: 1e9, perMinute: 1e9, loginPerMinute: 1e9 },
};

/** Anything with Hono's in-process `request` (the gateway app). */
export interface Requester {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

export interface BenchCredentials {
  /** The new user's access token. */
  jwt: string;
  /** An API key of that user. */
  apiKey: string;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * Signs up a fresh user (`<name>-<uuid>@example.com`) through the gateway and makes it an API key named `name`,
 * before anything is measured; throws with the answer when either step is refused.
 * @example const { apiKey } = await benchCredentials(platform.gateway, 'kb-bench');
 */
export async function benchCredentials(gateway: Requester, name: string): Promise<BenchCredentials> {
  const registered = await gateway.request('/api/v1/auth/register', json({ email: `${name}-${crypto.randomUUID()}@example.com`, password: 'a long bench password' }));
  if (!registered.ok) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  const jwt = ((await registered.json()) as { session: { access_token: string } }).session.access_token;
  const created = await gateway.request('/api/v1/auth/api-keys', json({ name }, { authorization: `Bearer ${jwt}` }));
  if (!created.ok) throw new Error(`api-keys answered ${created.status}: ${await created.text()}`);
  const apiKey = ((await created.json()) as { key: string }).key;
  return { jwt, apiKey };
}
