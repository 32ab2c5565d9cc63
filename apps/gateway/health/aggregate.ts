import { withDeadline } from '../../../lib/readiness/deadline.ts';
import type { ServiceClient, ServiceName } from '../../../lib/service/types.ts';
import { VERSION } from '../../../lib/version.ts';
import type { Probe } from '../deps.ts';

export type PartStatus = 'healthy' | 'unhealthy';

export interface ServiceHealth {
  status: PartStatus;
  response_time?: number;
  error?: string;
}

export interface PlatformHealth {
  status: 'healthy' | 'degraded' | 'unhealthy';
  timestamp: string;
  version: string;
  services: Record<string, ServiceHealth>;
  database: { status: PartStatus; database: 'postgresql'; responsive: boolean; error?: string };
  redis?: { status: PartStatus; connected: boolean; error?: string };
}

/** The services GAIA clients expect in `/health` (web is ours and is not listed). */
export const HEALTH_SERVICES = ['auth', 'asset', 'chat', 'kb'] as const satisfies readonly ServiceName[];

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function checkService(client: ServiceClient, timeoutMs: number): Promise<ServiceHealth> {
  const start = performance.now();
  try {
    const res = await withDeadline(timeoutMs, (signal) => client.fetch(new Request('http://service/health', { signal })));
    await res.body?.cancel();
    if (!res.ok) return { status: 'unhealthy', error: `health answered ${res.status}` };
    return { status: 'healthy', response_time: Math.round(performance.now() - start) / 1000 };
  } catch (err) {
    return { status: 'unhealthy', error: `unreachable: ${reason(err)}` };
  }
}

/** Without a direct connection, the database is reported as the auth service's readiness sees it. */
async function databaseViaAuth(auth: ServiceClient, signal: AbortSignal): Promise<void> {
  const res = await auth.fetch(new Request('http://service/ready', { signal }));
  const body = (await res.json().catch(() => null)) as {
    components?: { database?: { status?: string; error?: string } };
    error?: { details?: { components?: { database?: { status?: string; error?: string } } } };
  } | null;
  const database = body?.components?.database ?? body?.error?.details?.components?.database;
  if (!database) throw new Error(`auth service did not report its database (status ${res.status})`);
  if (database.status !== 'ready') throw new Error(database.error ?? database.status ?? 'not ready');
}

/**
 * GAIA's `/health`: every service, the database and (when configured) Redis, each with a status. Overall
 * `unhealthy` if the database is down, `degraded` if a service or Redis is, else `healthy`.
 */
export async function aggregateHealth(input: {
  services: Record<ServiceName, ServiceClient>;
  probes: { database?: Probe; redis?: Probe };
  timeoutMs: number;
}): Promise<PlatformHealth> {
  const { services, probes, timeoutMs } = input;
  const probeDatabase = probes.database ?? (() => withDeadline(timeoutMs, (signal) => databaseViaAuth(services.auth, signal)));
  const [serviceResults, database, redis] = await Promise.all([
    Promise.all(HEALTH_SERVICES.map(async (name) => [name, await checkService(services[name], timeoutMs)] as const)),
    withDeadline(timeoutMs, () => probeDatabase()).then(
      () => ({ status: 'healthy' as const, database: 'postgresql' as const, responsive: true }),
      (err: unknown) => ({ status: 'unhealthy' as const, database: 'postgresql' as const, responsive: false, error: reason(err) }),
    ),
    probes.redis
      ? withDeadline(timeoutMs, () => probes.redis!()).then(
          () => ({ status: 'healthy' as const, connected: true }),
          (err: unknown) => ({ status: 'unhealthy' as const, connected: false, error: reason(err) }),
        )
      : undefined,
  ]);
  const servicesHealth = Object.fromEntries(serviceResults);
  const degraded = serviceResults.some(([, s]) => s.status !== 'healthy') || redis?.status === 'unhealthy';
  return {
    status: database.status === 'unhealthy' ? 'unhealthy' : degraded ? 'degraded' : 'healthy',
    timestamp: new Date().toISOString(),
    version: VERSION,
    services: servicesHealth,
    database,
    ...(redis ? { redis } : {}),
  };
}
