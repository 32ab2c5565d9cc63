import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { SdkErrorClasses } from '../errors.ts';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** How to reach OpenAI; built from the service config by the entry file (never from the environment here). */
export interface OpenAiSettings {
  apiKey: string;
  /** Default {@link OPENAI_BASE_URL}. */
  baseURL?: string;
  /** The models offered to callers, e.g. `['gpt-4o-mini']`; the first is this provider's default. */
  models: string[];
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** The SDK's own whole-request timeout, a backstop behind the reliability layer's. Default 10 minutes. */
  timeoutMs?: number;
}

/** What {@link createOpenAiClient} needs: an OpenAI-protocol endpoint, with or without a key. */
export interface OpenAiClientSettings {
  baseURL: string;
  apiKey?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** The SDK's error classes, for {@link toProviderError}. */
export const openAiErrors: SdkErrorClasses = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

/**
 * An `openai` SDK client for any OpenAI-protocol endpoint. Every option is explicit so the SDK never falls back to
 * `OPENAI_*` environment variables; its retries are off (the reliability layer retries). Without a key no
 * `Authorization` header is sent (Ollama, vLLM, LM Studio).
 * @example const client = createOpenAiClient({ baseURL: 'http://127.0.0.1:11434/v1' });
 */
export function createOpenAiClient(settings: OpenAiClientSettings): OpenAI {
  const keyless = !settings.apiKey;
  return new OpenAI({
    // The SDK refuses to start without a key; a keyless endpoint gets a placeholder that the null header removes.
    apiKey: settings.apiKey || 'unused',
    organization: null,
    project: null,
    baseURL: settings.baseURL,
    maxRetries: 0,
    timeout: settings.timeoutMs ?? 10 * 60_000,
    logLevel: 'off',
    defaultHeaders: { ...settings.headers, ...(keyless ? { Authorization: null } : {}) },
  });
}
