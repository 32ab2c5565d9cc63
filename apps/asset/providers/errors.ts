import { redactString } from '../../../lib/logging/redact.ts';
import { ProviderError } from './types.ts';

/**
 * Milliseconds the server asked us to wait: `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP
 * date. Undefined when absent or unparsable.
 * @example retryAfterMs(new Headers({ 'retry-after': '2' })) // 2000
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const MAX_DETAIL = 300;

/** The readable part of an error body (`message`, `error.message`, `errors[]`, `detail`, `description`), short and redacted. */
export function errorDetail(body: string): string {
  let detail = body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const nested = typeof parsed.error === 'object' && parsed.error !== null ? (parsed.error as Record<string, unknown>) : {};
    const candidates = [nested.message, parsed.message, parsed.errors, parsed.detail, parsed.description, parsed.error, parsed.name];
    const found = candidates.find((c) => (typeof c === 'string' && c.length > 0) || (Array.isArray(c) && c.length > 0));
    if (found !== undefined) detail = Array.isArray(found) ? found.map(String).join('; ') : String(found);
  } catch {
    // Not JSON: the text as it is.
  }
  const flat = detail.replace(/\s+/g, ' ').trim();
  return redactString(flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat);
}

/** How a provider's HTTP statuses differ from the usual reading (Stability's 403 is a content-policy refusal). */
export interface StatusReading {
  /** The variable(s) to check when the provider refuses the credentials, e.g. `STABILITY_API_KEY`. */
  credentials: string;
  overrides?: Partial<Record<number, ProviderError['kind']>>;
}

/**
 * A provider's non-2xx answer as a {@link ProviderError}: 408/425/429/5xx are `retryable` (with the server's
 * Retry-After), 401/402/403 `misconfigured` (the key, the plan or the credits), other 4xx `refused`.
 * @example throw statusError('meshy', 429, body, response.headers, { credentials: 'MESHY_API_KEY' });
 */
export function statusError(provider: string, status: number, body: string, headers: Headers, reading: StatusReading): ProviderError {
  const detail = errorDetail(body) || '(no details)';
  const kind =
    reading.overrides?.[status] ??
    (status === 408 || status === 425 || status === 429 || status >= 500 ? 'retryable' : status === 401 || status === 402 || status === 403 ? 'misconfigured' : 'refused');
  const next =
    kind === 'misconfigured'
      ? status === 402
        ? ' (check the account’s plan or credits)'
        : ` (check ${reading.credentials})`
      : '';
  const retryAfter = kind === 'retryable' ? retryAfterMs(headers) : undefined;
  return new ProviderError(provider, kind, `${provider} answered ${status}: ${detail}${next}`, retryAfter === undefined ? {} : { retryAfterMs: retryAfter });
}

/** A network failure (refused connection, reset, DNS) as a retryable {@link ProviderError}. */
export function networkError(provider: string, err: unknown): ProviderError {
  const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return new ProviderError(provider, 'retryable', `${provider} could not be reached: ${redactString(reason)}`, { cause: err });
}
