import type { z } from 'zod';
import { ProviderError } from '../engine/types.ts';

/** The error classes every Stainless-generated SDK (openai, @anthropic-ai/sdk) exports; each provider passes its own. */
export interface SdkErrorClasses {
  // biome-ignore lint/suspicious/noExplicitAny: constructor signatures differ between SDKs; only `instanceof` is used
  APIError: abstract new (...args: any[]) => SdkApiError;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  APIConnectionError: abstract new (...args: any[]) => Error;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  APIConnectionTimeoutError: abstract new (...args: any[]) => Error;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  APIUserAbortError: abstract new (...args: any[]) => Error;
}

/** What an SDK's `APIError` carries that the mapping reads. */
export interface SdkApiError extends Error {
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  readonly error: unknown;
}

const isAbortError = (err: unknown): boolean =>
  err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');

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

/** The `type` of an error body (`{error: {type}}` from Anthropic, `{type}` from OpenAI), for errors sent mid-stream. */
function errorType(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const nested = (body as { error?: unknown }).error;
  const type = (typeof nested === 'object' && nested !== null ? nested : body) as { type?: unknown };
  return typeof type.type === 'string' ? type.type : '';
}

function fromStatus(err: SdkApiError, provider: string): ProviderError {
  const status = err.status;
  const options = { status, provider, cause: err };
  if (status === undefined) {
    // An error event inside an already-started stream: no status, only the body's type.
    const type = errorType(err.error);
    if (type.includes('rate_limit')) return new ProviderError('rate_limited', err.message, options);
    if (type.includes('invalid_request')) return new ProviderError('bad_request', err.message, options);
    return new ProviderError('server', err.message, options);
  }
  if (status === 429) {
    return new ProviderError('rate_limited', err.message, { ...options, retryAfterMs: retryAfterMs(err.headers) });
  }
  if (status === 401 || status === 403) return new ProviderError('auth', err.message, options);
  if (status === 408) return new ProviderError('timeout', err.message, options);
  if (status >= 500) return new ProviderError('server', err.message, { ...options, retryAfterMs: retryAfterMs(err.headers) });
  return new ProviderError('bad_request', err.message, options);
}

/**
 * Any error from a provider call as a {@link ProviderError}: SDK errors by class and status, aborts, broken streams
 * (`network`) and unparsable data (`invalid_response`).
 * @example throw toProviderError(err, 'openai', OpenAiErrors)
 */
export function toProviderError(err: unknown, provider: string, sdk?: SdkErrorClasses): ProviderError {
  if (err instanceof ProviderError) return err;
  if (sdk) {
    if (err instanceof sdk.APIUserAbortError) return new ProviderError('aborted', 'request aborted', { provider, cause: err });
    if (err instanceof sdk.APIConnectionTimeoutError) {
      return new ProviderError('timeout', `${provider}: ${err.message}`, { provider, cause: err });
    }
    if (err instanceof sdk.APIConnectionError) {
      return new ProviderError('network', `${provider}: ${err.message}`, { provider, cause: err });
    }
    if (err instanceof sdk.APIError) return fromStatus(err, provider);
  }
  if (isAbortError(err)) return new ProviderError('aborted', 'request aborted', { provider, cause: err });
  if (err instanceof SyntaxError) {
    return new ProviderError('invalid_response', `${provider} sent invalid JSON: ${err.message}`, { provider, cause: err });
  }
  // fetch reports a connection that broke while the body streamed as a TypeError ("terminated").
  if (err instanceof TypeError && err.cause !== undefined) {
    return new ProviderError('network', `${provider}: connection lost (${err.message})`, { provider, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError('invalid_response', `${provider}: ${message}`, { provider, cause: err });
}

/** The error to throw when the caller's signal fired: always `aborted`, whatever the SDK made of it. */
export function abortedError(provider: string, cause?: unknown): ProviderError {
  return new ProviderError('aborted', 'request aborted', { provider, cause });
}

/** Parses with `schema` or throws `invalid_response` naming what was wrong. */
export function parseProviderData<T>(schema: z.ZodType<T>, data: unknown, provider: string, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ProviderError('invalid_response', `${provider} sent an unexpected ${what}${where}: ${issue?.message}`, {
    provider,
  });
}
