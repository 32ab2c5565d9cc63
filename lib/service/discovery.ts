import type { ServiceName } from './types.ts';

/** Where the services run: one machine (`local`), docker compose, Fly private network (`.internal`) or Flycast. */
export type DiscoveryMode = 'local' | 'compose' | 'fly' | 'flycast';

export interface DiscoveryOptions {
  mode: DiscoveryMode;
  /** Fly app name prefix: apps are named `<appPrefix>-<service>[-<flyEnv>]`. Default `gaia`. */
  appPrefix?: string;
  /** Fly environment suffix, e.g. `staging` → `gaia-chat-staging`. */
  flyEnv?: string;
  /** Explicit base URLs; an override always wins over `mode`. */
  overrides?: Partial<Record<ServiceName, string>>;
}

/** Ports of the services when they all run on one machine (`local` mode). */
export const LOCAL_PORTS: Readonly<Record<ServiceName, number>> = {
  auth: 8001,
  chat: 8002,
  asset: 8003,
  kb: 8004,
  web: 8080,
};

/** The port every service listens on inside its container or Fly machine. */
export const SERVICE_PORT = 8000;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function label(what: string, value: string): string {
  if (!DNS_LABEL.test(value)) throw new Error(`Invalid ${what} "${value}": use lower-case letters, digits and dashes`);
  return value;
}

/**
 * Validates an override base URL (http or https, no query or fragment) and drops trailing slashes.
 * @example normalizeBaseUrl('http://kb:8000/') // 'http://kb:8000'
 */
export function normalizeBaseUrl(value: string, name = 'service'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Invalid URL for ${name}: "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Invalid URL for ${name}: "${value}" must use http or https`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`Invalid URL for ${name}: "${value}" must not carry credentials, a query or a fragment`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The base URL (no trailing slash) where service `name` is reached in `options.mode`.
 * @example serviceUrl('chat', { mode: 'fly', flyEnv: 'staging' }) // 'http://gaia-chat-staging.internal:8000'
 */
export function serviceUrl(name: ServiceName, options: DiscoveryOptions): string {
  const override = options.overrides?.[name];
  if (override !== undefined) return normalizeBaseUrl(override, name);
  switch (options.mode) {
    case 'local':
      return `http://127.0.0.1:${LOCAL_PORTS[name]}`;
    case 'compose':
      return `http://${name}:${SERVICE_PORT}`;
    case 'fly':
      return `http://${flyApp(name, options)}.internal:${SERVICE_PORT}`;
    case 'flycast':
      return `http://${flyApp(name, options)}.flycast`;
    default:
      throw new Error(`Unknown discovery mode "${String(options.mode satisfies never)}"`);
  }
}

function flyApp(name: ServiceName, options: DiscoveryOptions): string {
  const app = `${label('appPrefix', options.appPrefix ?? 'gaia')}-${name}`;
  return options.flyEnv ? `${app}-${label('flyEnv', options.flyEnv)}` : app;
}
