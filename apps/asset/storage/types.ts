/** A stored file, opened for reading. */
export interface StoredBlob {
  body: ReadableStream<Uint8Array>;
  size: number;
  contentType: string;
}

/**
 * Where asset files live: a local directory (default, under `DATA_DIR`), S3-compatible, or Supabase Storage. Keys
 * are `/`-separated relative paths the service makes (`<owner>/<asset id>/<file>`), never user input.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3' | 'supabase';
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The file, or `null` when there is none under `key`. */
  open(key: string): Promise<StoredBlob | null>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A short-lived URL a browser may fetch directly, or `null` when the store has none (local: downloads go through the service). */
  signedUrl(key: string, ttlSeconds: number): Promise<string | null>;
  /** Resolves when the store answers (readiness). */
  ping(): Promise<void>;
}
