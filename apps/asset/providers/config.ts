import { z } from 'zod';
import { positiveInt } from '../../../lib/config/fields.ts';
import { KIND_OF_CATEGORY, PROVIDER_KINDS, PROVIDER_NAMES, type AssetProviderSettings, type ProviderName } from './registry.ts';
import { DEFAULT_RELIABILITY } from './retry.ts';
import { DEFAULT_PRICES, type PriceOverrides, type ProviderRuntime } from './runtime.ts';
import { ASSET_CATEGORIES, type AssetCategory, type AssetKind } from './types.ts';

const httpUrl = (example: string) => z.url({ protocol: /^https?$/, message: `must be an http(s) URL, e.g. ${example}` }).optional();
const isProvider = (name: string): name is ProviderName => (PROVIDER_NAMES as string[]).includes(name);

/** `key=value` pairs separated by commas; every malformed pair is reported. */
function pairs(text: string, ctx: z.RefinementCtx, example: string): [string, string][] {
  const out: [string, string][] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1) ctx.addIssue({ code: 'custom', message: `'${item}' is not key=value, e.g. ${example}` });
    else out.push([item.slice(0, at).trim(), item.slice(at + 1).trim()]);
  }
  return out;
}

/** `texture=stability|midjourney,image=local,model3d=meshy`: per category (or kind, for all its categories), providers in order. */
const routesField = z
  .string()
  .transform((text, ctx) => {
    const routes: Partial<Record<AssetCategory, ProviderName[]>> = {};
    for (const [key, value] of pairs(text, ctx, 'texture=stability|midjourney,image=local')) {
      const categories = ASSET_CATEGORIES.filter((category) => category === key || KIND_OF_CATEGORY[category] === key);
      if (categories.length === 0) {
        ctx.addIssue({ code: 'custom', message: `'${key}' is not a category (${ASSET_CATEGORIES.join(', ')}) nor model3d` });
        continue;
      }
      const names = value.split('|').map((s) => s.trim());
      for (const name of names) {
        const kind: AssetKind = KIND_OF_CATEGORY[categories[0]!];
        if (!isProvider(name)) ctx.addIssue({ code: 'custom', message: `'${name}' is not a provider (${PROVIDER_NAMES.join(', ')})` });
        else if (!(PROVIDER_KINDS[name] as readonly AssetKind[]).includes(kind)) {
          ctx.addIssue({ code: 'custom', message: `${name} makes ${PROVIDER_KINDS[name].join(', ')}, not ${kind} (${key})` });
        }
      }
      for (const category of categories) routes[category] = names.filter(isProvider);
    }
    return routes;
  })
  .optional();

/**
 * The asset providers' variables; the asset service (and the all-in-one) spread them into their schema and end it
 * with {@link assetProviderChecks}. `OPENAI_API_KEY`/`OPENAI_BASE_URL` are the chat service's, shared.
 */
export const AssetProviderFields = {
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: httpUrl('https://api.openai.com/v1'),
  OPENAI_IMAGE_MODEL: z.string().min(1).default('gpt-image-1'),
  STABILITY_API_KEY: z.string().optional(),
  STABILITY_BASE_URL: httpUrl('https://api.stability.ai'),
  STABILITY_MODEL: z.string().min(1).default('core'),
  MIDJOURNEY_PROXY_URL: httpUrl('http://127.0.0.1:8080'),
  MIDJOURNEY_PROXY_TOKEN: z.string().optional(),
  MIDJOURNEY_PROXY_AUTH: z.enum(['mj-api-secret', 'bearer']).default('mj-api-secret'),
  MIDJOURNEY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional(),
  MUBERT_CUSTOMER_ID: z.string().optional(),
  MUBERT_ACCESS_TOKEN: z.string().optional(),
  MUBERT_BASE_URL: httpUrl('https://music-api.mubert.com/api/v3'),
  MESHY_API_KEY: z.string().optional(),
  MESHY_BASE_URL: httpUrl('https://api.meshy.ai'),
  MESHY_AI_MODEL: z.string().min(1).default('latest'),
  MESHY_WEBHOOK_SECRET: z.string().optional(),
  ASSET_ROUTES: routesField,
  ASSET_PROVIDER_TIMEOUT_MS: positiveInt(DEFAULT_RELIABILITY.timeoutMs),
  ASSET_PROVIDER_MAX_ATTEMPTS: positiveInt(DEFAULT_RELIABILITY.maxAttempts),
  ASSET_PROVIDER_POLL_INTERVAL_MS: positiveInt(5_000),
  ASSET_PROVIDER_POLL_TIMEOUT_MS: positiveInt(15 * 60_000),
  ASSET_MAX_DOWNLOAD_MB: positiveInt(100),
};

export type AssetProviderFieldValues = z.infer<z.ZodObject<typeof AssetProviderFields>>;

/** Cross-field rules of {@link AssetProviderFields}. */
export function assetProviderChecks(config: AssetProviderFieldValues, ctx: z.RefinementCtx): void {
  if (!config.MUBERT_CUSTOMER_ID !== !config.MUBERT_ACCESS_TOKEN) {
    ctx.addIssue({ code: 'custom', message: 'MUBERT_CUSTOMER_ID and MUBERT_ACCESS_TOKEN must be set together', path: ['MUBERT_ACCESS_TOKEN'] });
  }
  if (config.MIDJOURNEY_PROXY_TOKEN && !config.MIDJOURNEY_PROXY_URL) {
    ctx.addIssue({ code: 'custom', message: 'set MIDJOURNEY_PROXY_URL too (the proxy the token is for)', path: ['MIDJOURNEY_PROXY_URL'] });
  }
  if (config.MIDJOURNEY_WEBHOOK_SECRET && !config.MIDJOURNEY_PROXY_URL) {
    ctx.addIssue({ code: 'custom', message: 'set MIDJOURNEY_PROXY_URL too (the proxy whose callbacks the secret verifies)', path: ['MIDJOURNEY_PROXY_URL'] });
  }
}

/** The webhook route of `provider` under `base`. */
export const webhookUrl = (base: string, provider: string): string => `${base.replace(/\/+$/, '')}/api/v1/assets/webhooks/${provider}`;

/** What the asset service's own config adds: its price overrides (`ASSET_PRICES`) and its public URL (`ASSET_PUBLIC_URL`). */
export interface AssetProviderOptions {
  prices?: PriceOverrides;
  /** Where providers that take a callback URL per task (Midjourney) reach the webhook route; without it they poll only. */
  publicBaseUrl?: string;
}

/**
 * Provider settings from parsed config: each remote provider whose credentials are set, sharing one runtime
 * (timeouts, retries, polling, download cap, default prices under the service's overrides); the local provider
 * needs none.
 * @example const registry = createAssetProviderRegistry(assetProviderSettings(config, { prices, publicBaseUrl }), logger);
 */
export function assetProviderSettings(config: AssetProviderFieldValues, options: AssetProviderOptions = {}): AssetProviderSettings {
  const runtime: ProviderRuntime = {
    reliability: { ...DEFAULT_RELIABILITY, timeoutMs: config.ASSET_PROVIDER_TIMEOUT_MS, maxAttempts: config.ASSET_PROVIDER_MAX_ATTEMPTS },
    prices: DEFAULT_PRICES,
    ...(options.prices ? { priceOverrides: options.prices } : {}),
    poll: { intervalMs: config.ASSET_PROVIDER_POLL_INTERVAL_MS, timeoutMs: config.ASSET_PROVIDER_POLL_TIMEOUT_MS },
    maxDownloadBytes: config.ASSET_MAX_DOWNLOAD_MB * 1024 * 1024,
  };
  const settings: AssetProviderSettings = config.ASSET_ROUTES ? { routes: config.ASSET_ROUTES } : {};
  if (config.OPENAI_API_KEY) {
    settings.openai = { apiKey: config.OPENAI_API_KEY, model: config.OPENAI_IMAGE_MODEL, runtime, ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}) };
  }
  if (config.STABILITY_API_KEY) {
    settings.stability = { apiKey: config.STABILITY_API_KEY, model: config.STABILITY_MODEL, runtime, ...(config.STABILITY_BASE_URL ? { baseUrl: config.STABILITY_BASE_URL } : {}) };
  }
  if (config.MIDJOURNEY_PROXY_URL) {
    settings.midjourney = {
      baseUrl: config.MIDJOURNEY_PROXY_URL.replace(/\/+$/, ''),
      auth: config.MIDJOURNEY_PROXY_AUTH,
      runtime,
      ...(config.MIDJOURNEY_PROXY_TOKEN ? { token: config.MIDJOURNEY_PROXY_TOKEN } : {}),
      ...(options.publicBaseUrl && config.MIDJOURNEY_WEBHOOK_SECRET
        ? { notifyUrl: webhookUrl(options.publicBaseUrl, 'midjourney'), webhookSecret: config.MIDJOURNEY_WEBHOOK_SECRET }
        : {}),
    };
  }
  if (config.MUBERT_CUSTOMER_ID && config.MUBERT_ACCESS_TOKEN) {
    settings.mubert = { customerId: config.MUBERT_CUSTOMER_ID, accessToken: config.MUBERT_ACCESS_TOKEN, runtime, ...(config.MUBERT_BASE_URL ? { baseUrl: config.MUBERT_BASE_URL } : {}) };
  }
  if (config.MESHY_API_KEY) {
    settings.meshy = {
      apiKey: config.MESHY_API_KEY,
      aiModel: config.MESHY_AI_MODEL,
      runtime,
      ...(config.MESHY_BASE_URL ? { baseUrl: config.MESHY_BASE_URL } : {}),
      ...(config.MESHY_WEBHOOK_SECRET ? { webhookSecret: config.MESHY_WEBHOOK_SECRET } : {}),
    };
  }
  return settings;
}
