export interface SetOptions {
  /** Time to live in milliseconds; absent means no expiry. */
  ttlMs?: number;
  /** Write only when the key does not exist (Redis `SET … NX`): a cache fill that must not overwrite newer news. */
  ifAbsent?: boolean;
}

export interface SubscribeOptions {
  /**
   * The subscription may be missing messages from now on: the connection carrying it dropped. The adapter
   * re-establishes it by itself; until {@link SubscribeOptions.onResume}, whatever relies on its messages is stale.
   */
  onInterrupt?: () => void;
  /** The subscription delivers again after an interruption; messages published in between were lost. */
  onResume?: () => void;
}

export type Unsubscribe = () => Promise<void>;

/**
 * The KV / cache / pub-sub port. Adapters: in-memory (embedded default), Redis over TCP (ioredis), Upstash over HTTP.
 * Values are strings; callers JSON-encode what they store.
 */
export interface Kv {
  readonly kind: 'memory' | 'redis' | 'upstash';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: SetOptions): Promise<void>;
  /** Returns whether the key existed. */
  delete(key: string): Promise<boolean>;
  /** Atomic increment; creates the key at 0 first. `ttlMs` is applied when the key is created. */
  incr(key: string, by?: number, options?: SetOptions): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  /**
   * Resolves once the subscription is active; the returned function ends it. It stays up until then: after a lost
   * connection the adapter subscribes again, telling `options` when delivery stopped and when it resumed.
   */
  subscribe(channel: string, onMessage: (message: string) => void, options?: SubscribeOptions): Promise<Unsubscribe>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
