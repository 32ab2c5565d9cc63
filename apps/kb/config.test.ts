import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/config.ts';
import { KbConfigSchema, kbSettings } from './config.ts';

describe('kb config', () => {
  it('defaults to a local repository under DATA_DIR with no embeddings', () => {
    const config = parseConfig(KbConfigSchema, {});
    expect(kbSettings(config, config.DATA_DIR)).toEqual({ dir: './.data/kb', branch: 'main', syncIntervalMs: 300_000, maxFileBytes: 1_048_576, seed: true });
  });

  it('builds the remote and the embeddings provider from the environment', () => {
    const config = parseConfig(KbConfigSchema, {
      KB_GIT_REPO_URL: 'https://git.example.com/handbook.git',
      KB_GIT_TOKEN: 'tok',
      KB_EMBEDDINGS_URL: 'http://localhost:11434/v1',
      KB_EMBEDDINGS_MODEL: 'nomic-embed-text',
      KB_EMBEDDINGS_DIMENSIONS: '768',
      KB_SYNC_INTERVAL_S: '0',
    });
    expect(kbSettings(config, '/var/gaia')).toMatchObject({
      dir: '/var/gaia/kb',
      remote: { url: 'https://git.example.com/handbook.git', token: 'tok' },
      syncIntervalMs: 0,
      embeddings: { baseURL: 'http://localhost:11434/v1', model: 'nomic-embed-text', dimensions: 768 },
    });
    const openai = parseConfig(KbConfigSchema, { OPENAI_API_KEY: 'sk-test' });
    expect(kbSettings(openai, '.').embeddings).toEqual({ apiKey: 'sk-test', model: 'text-embedding-3-small', dimensions: 1536 });
  });

  it('refuses credentials inside the URL, two kinds of credentials, short webhook secrets and non-http remotes', () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(KbConfigSchema, env);
        return '';
      } catch (err) {
        return String(err instanceof Error ? err.message : err);
      }
    };
    expect(problems({ KB_GIT_REPO_URL: 'https://bot:secret@git.example.com/kb.git' })).toContain('KB_GIT_REPO_URL');
    expect(problems({ KB_GIT_TOKEN: 'a', KB_GIT_PASSWORD: 'b' })).toContain('KB_GIT_PASSWORD');
    expect(problems({ KB_WEBHOOK_SECRET: 'short' })).toContain('KB_WEBHOOK_SECRET');
    expect(problems({ KB_GIT_REPO_URL: 'git@github.com:acme/kb.git' })).toContain('KB_GIT_REPO_URL');
  });
});
