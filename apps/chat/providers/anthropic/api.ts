import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { SdkErrorClasses } from '../errors.ts';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** How to reach Anthropic; built from the service config by the entry file (never from the environment here). */
export interface AnthropicSettings {
  apiKey: string;
  /** Default {@link ANTHROPIC_BASE_URL} (no `/v1`: the SDK adds it). */
  baseURL?: string;
  /** The models offered to callers, e.g. `['claude-sonnet-4-5']`; the first is this provider's default. */
  models: string[];
  headers?: Record<string, string>;
  /** Anthropic requires an output limit; used when the request sets none. Default 4096. */
  defaultMaxTokens?: number;
  /** Default true; false sends one JSON request. */
  stream?: boolean;
  /** The SDK's own whole-request timeout, a backstop behind the reliability layer's. Default 10 minutes. */
  timeoutMs?: number;
}

/** The SDK's error classes, for {@link toProviderError}. */
export const anthropicErrors: SdkErrorClasses = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

/**
 * An `@anthropic-ai/sdk` client. Every option is explicit so the SDK never reads `ANTHROPIC_*` variables or
 * credential files; its retries are off (the reliability layer retries).
 * @example const client = createAnthropicClient({ apiKey, models: ['claude-sonnet-4-5'] });
 */
export function createAnthropicClient(settings: AnthropicSettings): Anthropic {
  return new Anthropic({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? ANTHROPIC_BASE_URL,
    maxRetries: 0,
    timeout: settings.timeoutMs ?? 10 * 60_000,
    logLevel: 'off',
    ...(settings.headers ? { defaultHeaders: settings.headers } : {}),
  });
}
