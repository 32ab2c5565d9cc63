import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../lib/config/config.ts';
import { AuthConfigSchema, authSettings } from '../config.ts';

const SECRET = 'a-project-jwt-secret-of-32-characters!';
const settingsOf = (env: Record<string, string>) => authSettings(parseConfig(AuthConfigSchema, env), []);

describe('Supabase config', () => {
  it('is off by default: the built-in backend, no Supabase settings', () => {
    expect(settingsOf({}).supabase).toBeUndefined();
    expect(parseConfig(AuthConfigSchema, {}).AUTH_BACKEND).toBe('builtin');
  });

  it('accepts Supabase tokens with the built-in backend when the secret or the URL is set', () => {
    expect(settingsOf({ SUPABASE_JWT_SECRET: SECRET }).supabase).toEqual({ jwtSecret: SECRET, backend: false });
    expect(settingsOf({ SUPABASE_URL: 'https://abc.supabase.co/' }).supabase).toEqual({ url: 'https://abc.supabase.co', backend: false });
  });

  it('makes Supabase the identity backend with AUTH_BACKEND=supabase', () => {
    const env = { AUTH_BACKEND: 'supabase', SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_ANON_KEY: 'anon', SUPABASE_JWT_SECRET: SECRET };
    expect(settingsOf(env).supabase).toEqual({ url: 'https://abc.supabase.co', anonKey: 'anon', jwtSecret: SECRET, backend: true });
  });

  it('lists every missing or malformed variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(AuthConfigSchema, env);
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
      return [];
    };
    expect(problems({ AUTH_BACKEND: 'supabase', SUPABASE_ANON_KEY: '' })).toEqual([
      'SUPABASE_URL: must be set when AUTH_BACKEND=supabase',
      'SUPABASE_ANON_KEY: must be set when AUTH_BACKEND=supabase',
    ]);
    expect(problems({ AUTH_BACKEND: 'firebase', SUPABASE_URL: 'abc.supabase.co', SUPABASE_JWT_SECRET: 'short' })).toEqual([
      'SUPABASE_URL: must be the project URL, e.g. https://<project>.supabase.co',
      'SUPABASE_JWT_SECRET: must be the project JWT secret (at least 32 characters)',
      'AUTH_BACKEND: must be builtin or supabase',
    ]);
  });

  it('refuses to build settings for a Supabase backend without URL and key (a schema without authChecks)', () => {
    const config = { ...parseConfig(AuthConfigSchema, {}), AUTH_BACKEND: 'supabase' as const };
    expect(() => authSettings(config, [])).toThrow('AUTH_BACKEND=supabase needs SUPABASE_URL and SUPABASE_ANON_KEY');
  });
});
