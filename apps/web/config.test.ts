import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/config.ts';
import { WebConfigSchema } from './config.ts';

describe('web config', () => {
  it('reads a 32-byte session key in base64, and refuses anything else', () => {
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    expect(parseConfig(WebConfigSchema, { WEB_SESSION_KEY: key }).WEB_SESSION_KEY).toHaveLength(32);
    expect(parseConfig(WebConfigSchema, {}).WEB_SESSION_KEY).toBeUndefined();
    expect(() => parseConfig(WebConfigSchema, { WEB_SESSION_KEY: btoa('too short') })).toThrow(/WEB_SESSION_KEY/);
  });
});
