import type { z } from 'zod';
import { type StatusReading, statusError } from './errors.ts';
import { type CallOptions, withRetries } from './retry.ts';
import { ProviderError } from './types.ts';

/** Answers larger than this are not read: a JSON answer is small, a file has its own cap. */
const MAX_JSON_BYTES = 4 * 1024 * 1024;

export interface HttpCall extends CallOptions {
  reading: StatusReading;
}

/**
 * The body of `response`, refusing more than `maxBytes` (from Content-Length up front, else while reading), so a
 * misbehaving server cannot exhaust memory.
 */
export async function readCapped(response: Response, maxBytes: number, provider: string): Promise<Uint8Array> {
  const tooLarge = () => new ProviderError(provider, 'refused', `${provider} sent more than ${maxBytes} bytes: raise the size limit or ask for a smaller file`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** One request with retries; a non-2xx answer becomes a classified {@link ProviderError}; `read` consumes the body. */
async function request<T>(call: HttpCall, url: string, init: RequestInit, read: (response: Response) => Promise<T>): Promise<T> {
  return withRetries(call, async (signal) => {
    const response = await fetch(url, { ...init, signal, redirect: 'follow' });
    if (!response.ok) {
      const body = new TextDecoder().decode(await readCapped(response, 64 * 1024, call.provider).catch(() => new Uint8Array()));
      throw statusError(call.provider, response.status, body, response.headers, call.reading);
    }
    return read(response);
  });
}

/**
 * A JSON request (retried on 429/5xx/timeouts), its answer validated by `schema`; an unexpected shape is `retryable`
 * (a provider mid-deploy), and named.
 * @example const task = await requestJson(call, `${base}/tasks/${id}`, { headers }, TaskSchema);
 */
export function requestJson<T>(call: HttpCall, url: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
  return request(call, url, init, async (response) => {
    const text = new TextDecoder().decode(await readCapped(response, MAX_JSON_BYTES, call.provider));
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new ProviderError(call.provider, 'retryable', `${call.provider} sent invalid JSON for ${call.what}`);
    }
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new ProviderError(call.provider, 'retryable', `${call.provider} sent an unexpected answer to ${call.what}${where}: ${issue?.message}`);
  });
}

/** A request whose answer is bytes (at most `maxBytes`), with the answer's headers. */
export function requestBytes(call: HttpCall, url: string, init: RequestInit, maxBytes: number): Promise<{ bytes: Uint8Array; headers: Headers }> {
  return request(call, url, init, async (response) => ({ bytes: await readCapped(response, maxBytes, call.provider), headers: response.headers }));
}

/**
 * Downloads a result file from a URL the provider's API returned (http or https only; no credentials sent).
 * @example const { bytes } = await download(call, task.model_urls.glb, settings.maxDownloadBytes);
 */
export function download(call: HttpCall, url: string, maxBytes: number): Promise<{ bytes: Uint8Array; headers: Headers }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProviderError(call.provider, 'retryable', `${call.provider} returned a result URL that is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ProviderError(call.provider, 'refused', `${call.provider} returned a ${parsed.protocol} result URL; only http(s) is fetched`);
  }
  return requestBytes({ ...call, what: `download ${parsed.pathname.split('/').pop() || 'result'}` }, parsed.href, { method: 'GET' }, maxBytes);
}
