import { z } from 'zod';
import { serviceUrl } from '../service/discovery.ts';
import { SERVICE_NAMES, type ServiceName } from '../service/types.ts';

const serviceUrlField = z.url({ message: 'must be the http(s) URL of the service' }).optional();

/**
 * How a process finds the other services (README: "Running one service alone"). Explicit `<NAME>_SERVICE_URL`s
 * override what `SERVICE_DISCOVERY` derives.
 */
export const DiscoveryFields = {
  SERVICE_DISCOVERY: z.enum(['local', 'compose', 'fly', 'flycast']).default('local'),
  GAIA_APP_PREFIX: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes').default('gaia'),
  GAIA_ENV: z.string().regex(/^[a-z0-9-]*$/, 'lowercase letters, digits and dashes').optional(),
  AUTH_SERVICE_URL: serviceUrlField,
  CHAT_SERVICE_URL: serviceUrlField,
  ASSET_SERVICE_URL: serviceUrlField,
  KB_SERVICE_URL: serviceUrlField,
  WEB_SERVICE_URL: serviceUrlField,
};

export type DiscoveryConfig = z.infer<z.ZodObject<typeof DiscoveryFields>>;

/** The base URL of `name` under a discovery config. */
export function discoveredUrl(config: DiscoveryConfig, name: ServiceName): string {
  const overrides: Partial<Record<ServiceName, string>> = {
    auth: config.AUTH_SERVICE_URL,
    chat: config.CHAT_SERVICE_URL,
    asset: config.ASSET_SERVICE_URL,
    kb: config.KB_SERVICE_URL,
    web: config.WEB_SERVICE_URL,
  };
  return serviceUrl(name, {
    mode: config.SERVICE_DISCOVERY,
    appPrefix: config.GAIA_APP_PREFIX,
    ...(config.GAIA_ENV ? { flyEnv: config.GAIA_ENV } : {}),
    overrides,
  });
}

/** Base URLs of every service. */
export function discoveredUrls(config: DiscoveryConfig): Record<ServiceName, string> {
  return Object.fromEntries(SERVICE_NAMES.map((name) => [name, discoveredUrl(config, name)])) as Record<ServiceName, string>;
}
