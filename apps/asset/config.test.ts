import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/config.ts';
import { AssetConfigSchema, assetSettings } from './config.ts';

describe('asset config', () => {
  it('defaults to local storage under DATA_DIR, the local provider only, and modest budgets', () => {
    const config = parseConfig(AssetConfigSchema, {});
    const settings = assetSettings(config, config.DATA_DIR);
    expect(settings.storage).toEqual({ kind: 'local', dir: './.data/assets' });
    expect(settings.providers).toEqual({});
    expect(settings.behaviour).toMatchObject({
      budgets: { dailyMicros: 5_000_000, monthlyMicros: 50_000_000 },
      storageBucket: null,
      queue: { schema: 'asset_queue', workers: 2, pollIntervalSeconds: 2, leaseSeconds: 900, maxAttempts: 3, retryDelaySeconds: 5 },
      maxWaitMs: 55_000,
      reuseMinScore: 0.75,
      publicBaseUrl: '',
    });
  });

  it('passes prices and the public URL to the providers, and a Supabase bucket to GAIA’s storage_info', () => {
    const config = parseConfig(AssetConfigSchema, {
      ASSET_PRICES: '{"meshy":{"model3d":0.25}}',
      ASSET_PUBLIC_URL: 'https://gaia.example.com',
      MESHY_API_KEY: 'msy-test',
      ASSET_STORAGE: 'supabase',
      SUPABASE_URL: 'https://project.supabase.co',
      SUPABASE_SERVICE_ROLE_KEY: 'sb_secret_test',
      ASSET_BUDGET_DAILY_USD: '1.5',
    });
    const settings = assetSettings(config, '/data');
    expect(settings.providers.meshy?.runtime.priceOverrides).toEqual({ meshy: { model3d: 0.25 } });
    expect(settings.behaviour).toMatchObject({ publicBaseUrl: 'https://gaia.example.com', storageBucket: 'assets', budgets: { dailyMicros: 1_500_000 } });
    expect(assetSettings(parseConfig(AssetConfigSchema, {}), '.', { publicBaseUrl: 'http://localhost:8666' }).behaviour.publicBaseUrl).toBe('http://localhost:8666');
  });

  it('turns reuse by meaning on with its own embeddings server or key, else with OpenAI’s key at OpenAI’s URL', () => {
    const embeddings = (env: Record<string, string>) => assetSettings(parseConfig(AssetConfigSchema, env), '.').embeddings;
    expect(embeddings({})).toBeUndefined();
    expect(embeddings({ ASSET_EMBEDDINGS_URL: 'http://localhost:11434/v1', ASSET_EMBEDDINGS_MODEL: 'nomic-embed-text', ASSET_EMBEDDINGS_DIMENSIONS: '768' })).toEqual({
      baseURL: 'http://localhost:11434/v1',
      apiKey: 'unused',
      model: 'nomic-embed-text',
      dimensions: 768,
    });
    expect(embeddings({ OPENAI_API_KEY: 'sk-chat', OPENAI_BASE_URL: 'https://proxy.example.com/v1' })).toEqual({
      baseURL: 'https://proxy.example.com/v1',
      apiKey: 'sk-chat',
      model: 'text-embedding-3-small',
      dimensions: 1536,
    });
    // Its own key wins, and then OpenAI's URL is not used for it.
    expect(embeddings({ OPENAI_API_KEY: 'sk-chat', OPENAI_BASE_URL: 'https://proxy.example.com/v1', ASSET_EMBEDDINGS_API_KEY: 'sk-emb' })).toEqual({
      apiKey: 'sk-emb',
      model: 'text-embedding-3-small',
      dimensions: 1536,
    });
  });

  it('refuses a monthly budget under the daily one, prices that are not JSON, a queue schema that is not a name, polling under 0.5 s', () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(AssetConfigSchema, env);
        return '';
      } catch (err) {
        return String(err instanceof Error ? err.message : err);
      }
    };
    expect(problems({ ASSET_BUDGET_DAILY_USD: '10', ASSET_BUDGET_MONTHLY_USD: '5' })).toContain('ASSET_BUDGET_MONTHLY_USD: must be at least ASSET_BUDGET_DAILY_USD');
    const fields = problems({ ASSET_PRICES: 'openai=0.04', ASSET_QUEUE_SCHEMA: 'Drop Table', ASSET_QUEUE_POLL_S: '0.1' });
    for (const name of ['ASSET_PRICES', 'ASSET_QUEUE_SCHEMA', 'ASSET_QUEUE_POLL_S']) expect(fields).toContain(name);
    expect(problems({ ASSET_PRICES: '{"openai":{"video":1}}' })).toContain('ASSET_PRICES');
  });
});
