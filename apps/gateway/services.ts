import { httpClient } from '../../lib/service/client.ts';
import { serviceUrl } from '../../lib/service/discovery.ts';
import { SERVICE_NAMES, type ServiceClient, type ServiceName, type Transport } from '../../lib/service/types.ts';
import type { GatewayConfig } from './config.ts';

/**
 * The gateway's clients for the services when they run as separate processes: URLs from `SERVICE_DISCOVERY`
 * (or explicit `<NAME>_SERVICE_URL`), requests sent with `transport` (undici on Node, `fetch` on Deno/edge).
 */
export function remoteServices(config: GatewayConfig, transport: Transport): Record<ServiceName, ServiceClient> {
  const overrides: Partial<Record<ServiceName, string>> = {
    auth: config.AUTH_SERVICE_URL,
    chat: config.CHAT_SERVICE_URL,
    asset: config.ASSET_SERVICE_URL,
    kb: config.KB_SERVICE_URL,
    web: config.WEB_SERVICE_URL,
  };
  const entries = SERVICE_NAMES.map((name) => {
    const url = serviceUrl(name, {
      mode: config.SERVICE_DISCOVERY,
      appPrefix: config.GAIA_APP_PREFIX,
      ...(config.GAIA_ENV ? { flyEnv: config.GAIA_ENV } : {}),
      overrides,
    });
    return [name, httpClient(name, url, transport)] as const;
  });
  return Object.fromEntries(entries) as Record<ServiceName, ServiceClient>;
}
