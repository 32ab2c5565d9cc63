import { type DiscoveredUrlOptions, type DiscoveryConfig, discoveredUrl } from '../../lib/config/discovery.ts';
import { httpClient } from '../../lib/service/client.ts';
import { SERVICE_NAMES, type ServiceClient, type ServiceName, type Transport } from '../../lib/service/types.ts';

/**
 * Clients for the services when they run as separate processes: URLs from `SERVICE_DISCOVERY` (or explicit
 * `<NAME>_SERVICE_URL`), requests sent with `transport` (undici on Node, `fetch` on Deno/edge).
 */
export function remoteServices(
  config: DiscoveryConfig,
  transport: Transport,
  discovery: DiscoveredUrlOptions = {},
): Record<ServiceName, ServiceClient> {
  const entries = SERVICE_NAMES.map((name) => [name, httpClient(name, discoveredUrl(config, name, discovery), transport)] as const);
  return Object.fromEntries(entries) as Record<ServiceName, ServiceClient>;
}
