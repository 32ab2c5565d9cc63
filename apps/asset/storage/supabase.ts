import { createClient, StorageApiError, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { BlobStoreError } from './errors.ts';
import { assertBlobKey, assertSignedUrlTtl } from './key.ts';
import type { BlobStore } from './types.ts';

/** Where the Supabase Storage store keeps files: a project, its service-role key, a (private) bucket. */
export interface SupabaseBlobStoreSettings {
  /** The project URL, e.g. `https://<project>.supabase.co` (`SUPABASE_URL`). */
  url: string;
  /** The project's `service_role` key (`SUPABASE_SERVICE_ROLE_KEY`): it bypasses row-level security, so stays server-side. */
  serviceRoleKey: string;
  bucket: string;
  /** How long Supabase may take to start answering a call (its body may take longer). Default 30 s. */
  timeoutMs?: number;
}

/**
 * `fetch` that gives up when the answer's headers take longer than `timeoutMs`, but lets its body take as long as it
 * needs (a large download to a slow client must not be cut at the deadline).
 */
function headersWithin(timeoutMs: number): typeof fetch {
  return async function fetchWithHeaderDeadline(input, init) {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    try {
      return await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** What storage-js's errors carry: `StorageApiError` (an answer) or `StorageUnknownError` (no answer: `originalError`). */
interface StorageFailure {
  name?: string;
  message?: string;
  status?: number;
  statusCode?: string;
  originalError?: unknown;
}

/** The code of a network failure under fetch's `TypeError: fetch failed` (`ECONNREFUSED`, `ENOTFOUND`…), or a timeout. */
function networkCode(original: unknown): string {
  if (original instanceof Error && (original.name === 'TimeoutError' || original.name === 'AbortError')) return 'timeout';
  const cause = original instanceof Error ? original.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  return typeof code === 'string' ? code : 'no answer';
}

/** storage-js's error (or a thrown one) as a {@link BlobStoreError} naming the bucket and what to fix. */
function supabaseFailure(err: unknown, settings: SupabaseBlobStoreSettings, operation: string): BlobStoreError {
  const failure = (typeof err === 'object' && err !== null ? err : {}) as StorageFailure;
  const where = ` at ${new URL(settings.url).origin}`;
  const bucket = `"${settings.bucket}"`;
  const status = failure.status;
  const code = failure.statusCode;
  const message = failure.message ?? '';
  const details = { code: code ?? (status === undefined ? networkCode(failure.originalError) : undefined), status };
  const misconfigured = (text: string) => new BlobStoreError('supabase', 'misconfigured', text, details);
  if (status === undefined) {
    return new BlobStoreError(
      'supabase',
      'unavailable',
      `Supabase Storage${where} is unreachable (${details.code}) for bucket ${bucket}: check SUPABASE_URL and that the project is up`,
      details,
    );
  }
  if (code === '404' && message === 'Bucket not found') {
    return misconfigured(
      `Supabase Storage bucket ${bucket} does not exist${where}: create it (private) in the project, or set ASSET_STORAGE_BUCKET to an existing bucket (a key other than service_role cannot see a private bucket)`,
    );
  }
  if (status === 401 || status === 403 || code === '401' || code === '403') {
    return misconfigured(`Supabase${where} refused the key for bucket ${bucket} (${message || status}): set SUPABASE_SERVICE_ROLE_KEY to the project's service_role key`);
  }
  if (code === '413') {
    return misconfigured(`Supabase Storage${where} refused a file as too large for bucket ${bucket}: raise the bucket's (or the project's) file size limit`);
  }
  return new BlobStoreError('supabase', 'unavailable', `Supabase Storage${where} answered ${operation} on bucket ${bucket} with ${code ?? status} (${message}): try again later`, details);
}

const isMissingObject = (err: unknown) =>
  err instanceof StorageApiError && err.statusCode === '404' && err.message !== 'Bucket not found';

/**
 * The Supabase Storage {@link BlobStore}, through supabase-js with the service-role key: `put` uploads with the
 * content type (upsert), `open` reads the object's info and streams its download (both at once), `delete` removes
 * the exact name (idempotent), `signedUrl` is Storage's signed URL (`null` when the object does not exist: Storage
 * signs only existing objects), `ping` looks the bucket up. Failures are {@link BlobStoreError}s naming the bucket.
 * @example const store = createSupabaseBlobStore({ url: 'https://abc.supabase.co', serviceRoleKey, bucket: 'assets' });
 */
export function createSupabaseBlobStore(settings: SupabaseBlobStoreSettings): BlobStore {
  const client = createClient(settings.url, settings.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // On Node < 22 supabase-js wants a WebSocket for its realtime client even though storage never opens one.
    realtime: { transport: WebSocket as unknown as WebSocketLikeConstructor },
    global: { fetch: headersWithin(settings.timeoutMs ?? 30_000) },
  });
  const files = () => client.storage.from(settings.bucket);
  const failed = (err: unknown, operation: string) => supabaseFailure(err, settings, operation);

  return {
    kind: 'supabase',
    async put(key, bytes, contentType) {
      assertBlobKey(key);
      const { error } = await files().upload(key, bytes, { contentType, upsert: true, cacheControl: '3600' });
      if (error) throw failed(error, 'upload');
    },
    async open(key) {
      assertBlobKey(key);
      const [info, download] = await Promise.all([files().info(key), files().download(key).asStream()]);
      if (info.error || download.error) {
        await download.data?.cancel();
        // The info route does not look the bucket up (a missing bucket reads as a missing object there); the download does.
        const error = [download.error, info.error].find((e) => e && !isMissingObject(e));
        if (error) throw failed(error, error === download.error ? 'download' : 'info');
        return null;
      }
      return {
        body: download.data as ReadableStream<Uint8Array>,
        size: info.data.size ?? 0,
        contentType: info.data.contentType ?? 'application/octet-stream',
      };
    },
    async delete(key) {
      assertBlobKey(key);
      const { error } = await files().remove([key]);
      if (error) throw failed(error, 'remove');
    },
    async signedUrl(key, ttlSeconds) {
      assertBlobKey(key);
      assertSignedUrlTtl(ttlSeconds);
      const { data, error } = await files().createSignedUrl(key, ttlSeconds);
      if (error && isMissingObject(error)) return null;
      if (error) throw failed(error, 'createSignedUrl');
      return data.signedUrl;
    },
    async ping() {
      const { error } = await client.storage.getBucket(settings.bucket);
      if (error) throw failed(error, 'getBucket');
    },
  };
}
