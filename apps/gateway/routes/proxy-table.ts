import type { ServiceName } from '../../../lib/service/types.ts';

/**
 * Which public path prefixes the gateway forwards to which internal service (path kept as-is).
 * A prefix matches itself and everything below it. Later issues add their prefixes here.
 */
export const PROXY_TABLE: readonly { prefix: string; service: ServiceName }[] = [
  { prefix: '/api/v1/auth', service: 'auth' },
  { prefix: '/api/v0.3/auth', service: 'auth' },
  { prefix: '/auth', service: 'auth' },
  { prefix: '/.well-known/jwks.json', service: 'auth' },
  { prefix: '/api/v1/chat', service: 'chat' },
  { prefix: '/api/v0.3/chat', service: 'chat' },
  { prefix: '/api/v1/conversations', service: 'chat' },
  { prefix: '/api/v1/models', service: 'chat' },
  { prefix: '/api/v0.3/conversations', service: 'chat' },
  { prefix: '/v1', service: 'chat' },
  { prefix: '/api/v1/assets', service: 'asset' },
  { prefix: '/api/v1/kb', service: 'kb' },
];

/** The service a public path is forwarded to, if any. */
export function serviceForPath(path: string): ServiceName | undefined {
  return PROXY_TABLE.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`))?.service;
}
