import type { Readiness } from '../../../lib/readiness/readiness.ts';
import type { ServiceClient, ServiceName } from '../../../lib/service/types.ts';
import { HEALTH_SERVICES } from './aggregate.ts';

interface ReadyBody {
  components?: Record<string, { status?: string; error?: string }>;
  error?: { message?: string; details?: { components?: Record<string, { status?: string; error?: string }> } };
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Why a service's `/ready` answer is not a 200: the components it names, else its status. */
function notReadyReason(status: number, body: ReadyBody | null): string {
  const components = body?.error?.details?.components ?? body?.components;
  const waiting = Object.entries(components ?? {})
    .filter(([, state]) => state.status !== 'ready')
    .map(([name, state]) => `${name}: ${state.error ?? state.status ?? 'unknown'}`);
  return waiting.length > 0 ? waiting.join(', ') : `/ready answered ${status}`;
}

/**
 * Resolves when the service's own `/ready` answers 200; rejects naming what it waits for (or why it can't be asked).
 * @example await serviceReady(services.kb, AbortSignal.timeout(2_000));
 */
export async function serviceReady(client: ServiceClient, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await client.fetch(new Request('http://service/ready', { signal }));
  } catch (err) {
    throw new Error(`unreachable: ${reason(err)}`);
  }
  if (res.status === 200) {
    await res.body?.cancel();
    return;
  }
  const body = (await res.json().catch(() => null)) as ReadyBody | null;
  throw new Error(notReadyReason(res.status, body));
}

/**
 * Makes the gateway's `/ready` include every service it routes to (auth, asset, chat, kb): each is a component of
 * the gateway's readiness whose probe asks the service's `/ready` (in-process or over HTTP), within `timeoutMs`.
 * A gateway is ready to serve only when what it forwards to is; see docs/operations.md ("Readiness").
 * @example watchServices(deps.readiness, deps.services, deps.options.healthTimeoutMs);
 */
export function watchServices(readiness: Readiness, services: Record<ServiceName, ServiceClient>, timeoutMs: number): void {
  for (const name of HEALTH_SERVICES) readiness.watch(name, (signal) => serviceReady(services[name], signal), timeoutMs);
}
