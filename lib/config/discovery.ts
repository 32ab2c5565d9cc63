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

/** Services that serve mTLS when it is on. `web` is not one of them: its clients are browsers. */
export const MTLS_SERVICES: readonly ServiceName[] = ['auth', 'chat', 'asset', 'kb'];

export interface DiscoveredUrlOptions {
  /**
   * mTLS between services is on (the MTLS_* files are set): the URLs discovered for {@link MTLS_SERVICES} use
   * https (same host and port). Explicit `<NAME>_SERVICE_URL`s are kept as written.
   */
  tls?: boolean | undefined;
}

/**
 * The base URL of `name` under a discovery config.
 * @example discoveredUrl(config, 'auth', { tls: true }) // 'https://auth:8000' with SERVICE_DISCOVERY=compose
 */
export function discoveredUrl(config: DiscoveryConfig, name: ServiceName, options: DiscoveredUrlOptions = {}): string {
  const overrides: Partial<Record<ServiceName, string>> = {
    auth: config.AUTH_SERVICE_URL,
    chat: config.CHAT_SERVICE_URL,
    asset: config.ASSET_SERVICE_URL,
    kb: config.KB_SERVICE_URL,
    web: config.WEB_SERVICE_URL,
  };
  const url = serviceUrl(name, {
    mode: config.SERVICE_DISCOVERY,
    appPrefix: config.GAIA_APP_PREFIX,
    ...(config.GAIA_ENV ? { flyEnv: config.GAIA_ENV } : {}),
    overrides,
  });
  if (!options.tls || overrides[name] !== undefined || !MTLS_SERVICES.includes(name)) return url;
  return `https://${url.slice('http://'.length)}`;
}

/** Base URLs of every service. */
export function discoveredUrls(config: DiscoveryConfig, options: DiscoveredUrlOptions = {}): Record<ServiceName, string> {
  const entries = SERVICE_NAMES.map((name) => [name, discoveredUrl(config, name, options)]);
  return Object.fromEntries(entries) as Record<ServiceName, string>;
}
