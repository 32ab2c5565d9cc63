import { createClient, type SupabaseClient, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import WebSocket from 'ws';

/** supabase-js's auth client (GoTrue): what the Supabase identity backend calls. */
export type SupabaseAuthClient = SupabaseClient['auth'];

export interface SupabaseClientOptions {
  /** The project URL, e.g. `https://<project>.supabase.co`. */
  url: string;
  anonKey: string;
  /** Per-request timeout of calls to Supabase. Default 10 s. */
  timeoutMs?: number;
}

/**
 * A fresh supabase-js auth client: no persisted session, no background refresh, no URL detection, implicit flow.
 * A client remembers the session it last signed in (and shares one refresh between concurrent callers), so never
 * share one between requests: make one per operation. On Node < 22 supabase-js needs a WebSocket implementation for
 * its realtime client even though auth never opens a socket, so `ws` is handed over as the transport.
 * @example const { data, error } = await createSupabaseAuthClient({ url, anonKey }).signInWithPassword({ email, password });
 */
export function createSupabaseAuthClient(options: SupabaseClientOptions): SupabaseAuthClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timedFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
  return createClient(options.url, options.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, flowType: 'implicit' },
    // ws's overloaded constructor (its first overload takes `null`) does not match the structural type; it works.
    realtime: { transport: WebSocket as unknown as WebSocketLikeConstructor },
    global: { fetch: timedFetch },
  }).auth;
}
