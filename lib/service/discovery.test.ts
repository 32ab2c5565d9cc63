import { describe, expect, it } from 'vitest';
import { type DiscoveryOptions, LOCAL_PORTS, normalizeBaseUrl, serviceUrl } from './discovery.ts';
import type { ServiceName } from './types.ts';

describe('serviceUrl', () => {
  const cases: [ServiceName, DiscoveryOptions, string][] = [
    ['auth', { mode: 'local' }, 'http://127.0.0.1:8001'],
    ['chat', { mode: 'local' }, 'http://127.0.0.1:8002'],
    ['asset', { mode: 'local' }, 'http://127.0.0.1:8003'],
    ['kb', { mode: 'local' }, 'http://127.0.0.1:8004'],
    ['web', { mode: 'local' }, 'http://127.0.0.1:8080'],
    ['kb', { mode: 'compose' }, 'http://kb:8000'],
    ['chat', { mode: 'fly' }, 'http://gaia-chat.internal:8000'],
    ['chat', { mode: 'fly', flyEnv: 'staging' }, 'http://gaia-chat-staging.internal:8000'],
    ['auth', { mode: 'fly', appPrefix: 'acme', flyEnv: 'prod' }, 'http://acme-auth-prod.internal:8000'],
    ['asset', { mode: 'flycast' }, 'http://gaia-asset.flycast'],
    ['web', { mode: 'flycast', appPrefix: 'acme', flyEnv: 'dev' }, 'http://acme-web-dev.flycast'],
    ['kb', { mode: 'fly', overrides: { kb: 'https://kb.example.com/' } }, 'https://kb.example.com'],
    ['kb', { mode: 'compose', overrides: { kb: 'http://10.0.0.5:9000/base//' } }, 'http://10.0.0.5:9000/base'],
    ['chat', { mode: 'compose', overrides: { kb: 'http://elsewhere' } }, 'http://chat:8000'],
  ];

  it.each(cases)('%s with %j → %s', (name, options, expected) => {
    expect(serviceUrl(name, options)).toBe(expected);
  });

  it('exports the local port map', () => {
    expect(LOCAL_PORTS).toEqual({ auth: 8001, chat: 8002, asset: 8003, kb: 8004, web: 8080 });
  });

  it('rejects overrides that are not plain http(s) base URLs', () => {
    for (const bad of ['kb:8000', 'ftp://kb', 'http://kb/?x=1', 'http://kb/#a', 'http://u:p@kb', 'not a url']) {
      expect(() => serviceUrl('kb', { mode: 'local', overrides: { kb: bad } })).toThrow(/Invalid URL for kb/);
    }
  });

  it('rejects app prefixes and environments that are not DNS labels', () => {
    expect(() => serviceUrl('kb', { mode: 'fly', flyEnv: 'Prod_1' })).toThrow(/Invalid flyEnv/);
    expect(() => serviceUrl('kb', { mode: 'flycast', appPrefix: 'a.b' })).toThrow(/Invalid appPrefix/);
  });
});

describe('normalizeBaseUrl', () => {
  it('keeps scheme, host, port and path, lower-cases the host and drops trailing slashes', () => {
    expect(normalizeBaseUrl('HTTP://KB.Example:8000/')).toBe('http://kb.example:8000');
    expect(normalizeBaseUrl('https://kb.example:443/api/')).toBe('https://kb.example/api');
  });
});
