import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AssetProviderFields, assetProviderChecks, assetProviderSettings } from './config.ts';

const Schema = z.object(AssetProviderFields).superRefine(assetProviderChecks);
const parse = (env: Record<string, string>) => Schema.safeParse(env);
const issues = (env: Record<string, string>) => {
  const result = parse(env);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('asset provider config', () => {
  it('needs nothing: no remote provider, defaults for timeouts, polling and prices', () => {
    const config = Schema.parse({});
    const settings = assetProviderSettings(config);
    expect(settings).toEqual({});
    expect(config).toMatchObject({ ASSET_PROVIDER_TIMEOUT_MS: 120_000, ASSET_PROVIDER_MAX_ATTEMPTS: 3, OPENAI_IMAGE_MODEL: 'gpt-image-1', STABILITY_MODEL: 'core' });
  });

  it('configures each provider whose credentials are set, all sharing one runtime', () => {
    const config = Schema.parse({
      OPENAI_API_KEY: 'sk-test',
      STABILITY_API_KEY: 'sk-stab',
      STABILITY_BASE_URL: 'http://127.0.0.1:9/',
      MIDJOURNEY_PROXY_URL: 'http://mj.internal:8080/',
      MIDJOURNEY_PROXY_TOKEN: 'mj-secret',
      MIDJOURNEY_WEBHOOK_SECRET: 'a'.repeat(32),
      MUBERT_CUSTOMER_ID: 'cust',
      MUBERT_ACCESS_TOKEN: 'tok',
      MESHY_API_KEY: 'msy-key',
      MESHY_WEBHOOK_SECRET: 'whsec',
      ASSET_PROVIDER_TIMEOUT_MS: '5000',
      ASSET_MAX_DOWNLOAD_MB: '10',
    });
    const settings = assetProviderSettings(config, { prices: { openai: { image: 0.2 }, meshy: { model3d: 0.5 } }, publicBaseUrl: 'https://gaia.example.com/' });

    expect(Object.keys(settings).sort()).toEqual(['meshy', 'midjourney', 'mubert', 'openai', 'stability']);
    expect(settings.openai).toMatchObject({ apiKey: 'sk-test', model: 'gpt-image-1' });
    expect(settings.midjourney).toMatchObject({
      baseUrl: 'http://mj.internal:8080',
      token: 'mj-secret',
      auth: 'mj-api-secret',
      notifyUrl: 'https://gaia.example.com/api/v1/assets/webhooks/midjourney',
    });
    expect(settings.meshy).toMatchObject({ apiKey: 'msy-key', aiModel: 'latest', webhookSecret: 'whsec' });
    const runtime = settings.openai!.runtime;
    expect(settings.meshy!.runtime).toBe(runtime);
    expect(runtime.reliability.timeoutMs).toBe(5000);
    expect(runtime.maxDownloadBytes).toBe(10 * 1024 * 1024);
    expect(runtime.priceOverrides).toEqual({ openai: { image: 0.2 }, meshy: { model3d: 0.5 } });
    expect(assetProviderSettings(config).midjourney).not.toHaveProperty('notifyUrl');
  });

  it('parses ASSET_ROUTES per category, a kind standing for its categories, providers in order', () => {
    const config = Schema.parse({ ASSET_ROUTES: 'texture=stability|midjourney, image=local, model3d=meshy' });
    expect(config.ASSET_ROUTES).toEqual({
      texture: ['stability', 'midjourney'],
      image: ['local'],
      environment: ['meshy'],
      character: ['meshy'],
      prop: ['meshy'],
      animation: ['meshy'],
    });
    expect(assetProviderSettings(config).routes).toEqual(config.ASSET_ROUTES);
  });

  it('reports every mistake in ASSET_ROUTES at once', () => {
    expect(issues({ ASSET_ROUTES: 'texture=mubert,sound=local,image=dalle,oops' })).toEqual([
      "ASSET_ROUTES: 'oops' is not key=value, e.g. texture=stability|midjourney,image=local",
      'ASSET_ROUTES: mubert makes audio, not texture (texture)',
      "ASSET_ROUTES: 'sound' is not a category (environment, character, prop, audio, texture, animation, image) nor model3d",
      "ASSET_ROUTES: 'dalle' is not a provider (local, openai, stability, midjourney, mubert, meshy)",
    ]);
  });

  it('refuses half-set credentials and a callback URL without its secret, saying what to set', () => {
    expect(issues({ MUBERT_CUSTOMER_ID: 'c' })).toEqual(['MUBERT_ACCESS_TOKEN: MUBERT_CUSTOMER_ID and MUBERT_ACCESS_TOKEN must be set together']);
    expect(issues({ MIDJOURNEY_PROXY_TOKEN: 't' })).toEqual(['MIDJOURNEY_PROXY_URL: set MIDJOURNEY_PROXY_URL too (the proxy the token is for)']);
    expect(issues({ MIDJOURNEY_WEBHOOK_SECRET: 'a'.repeat(16) })).toEqual(['MIDJOURNEY_PROXY_URL: set MIDJOURNEY_PROXY_URL too (the proxy whose callbacks the secret verifies)']);
    expect(issues({ MIDJOURNEY_PROXY_URL: 'http://mj:8080', MIDJOURNEY_WEBHOOK_SECRET: 'short' })[0]).toMatch(/at least 16 characters/);
    expect(issues({ MESHY_BASE_URL: 'ftp://x' })[0]).toMatch(/^MESHY_BASE_URL: must be an http\(s\) URL/);
  });
});
