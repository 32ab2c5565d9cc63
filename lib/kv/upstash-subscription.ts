import { createParser } from 'eventsource-parser';
import { doublingBackoff } from '../async/backoff.ts';
import type { Logger } from '../logging/logger.ts';
import type { SubscribeOptions } from './types.ts';

export interface UpstashSubscriptionOptions extends SubscribeOptions {
  /** The REST URL, e.g. `https://eu1-xyz.upstash.io`. */
  url: string;
  token: string;
  /** The channel as Redis knows it (prefix included). */
  channel: string;
  onMessage: (message: string) => void;
  logger: Logger;
  /** How long the first connection may take to confirm the subscription. */
  confirmTimeoutMs: number;
  fetch?: typeof fetch;
}

export interface UpstashSubscription {
  /** Resolves when the server confirmed the subscription the first time; rejects when that first attempt failed. */
  readonly ready: Promise<void>;
  close(): void;
}


/**
 * Channel names travel in the URL path (`/subscribe/<channel>`): keep what is legal in a path segment
 * (including `:` and `@`) verbatim and percent-encode the rest (`/`, `?`, `#`, spaces...).
 */
export const pathSegment = (name: string) => encodeURIComponent(name).replace(/%3A/gi, ':').replace(/%40/g, '@');

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One channel over Upstash's SSE endpoint (`POST <url>/subscribe/<channel>`, events `subscribe,<ch>,<n>` then
 * `message,<ch>,<payload>`) that stays up: when the stream ends or fails after it was confirmed, `onInterrupt` is
 * called and it reconnects with backoff (250 ms doubling to 5 s), calling `onResume` once the server confirms again.
 * Written on `fetch` rather than @upstash/redis' subscriber, which ends silently when its stream does.
 * @example const sub = openUpstashSubscription({ url, token, channel, onMessage, logger, confirmTimeoutMs: 10_000 }); await sub.ready;
 */
export function openUpstashSubscription(options: UpstashSubscriptionOptions): UpstashSubscription {
  const { channel, logger } = options;
  const fetchImpl = options.fetch ?? fetch;
  const endpoint = `${options.url.replace(/\/+$/, '')}/subscribe/${pathSegment(channel)}`;
  let closed = false;
  let everConfirmed = false;
  let interrupted = false;
  let controller: AbortController | undefined;
  const retry = doublingBackoff(250, 5_000);
  let settleReady: { resolve: () => void; reject: (err: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject };
  });

  const confirmed = () => {
    retry.reset();
    if (!everConfirmed) {
      everConfirmed = true;
      settleReady?.resolve();
    } else if (interrupted) {
      interrupted = false;
      options.onResume?.();
    }
  };

  const onData = (data: string) => {
    const comma = data.indexOf(',');
    const type = data.slice(0, comma);
    const rest = data.slice(comma + 1);
    if (type === 'subscribe' && rest.startsWith(`${channel},`)) confirmed();
    else if (type === 'message' && rest.startsWith(`${channel},`)) {
      try {
        options.onMessage(rest.slice(channel.length + 1));
      } catch (err) {
        logger.error('kv subscriber threw', { backend: 'upstash', error: errorMessage(err) });
      }
    }
  };

  const lost = (reason: string) => {
    if (closed) return;
    if (!everConfirmed) {
      closed = true;
      settleReady?.reject(new Error(`kv subscribe failed: Upstash ${reason}`));
      return;
    }
    const delay = retry.next();
    if (!interrupted) {
      interrupted = true;
      logger.warn('upstash subscription lost, reconnecting', { channel, reason, retryInMs: delay });
      options.onInterrupt?.();
    }
    const timer = setTimeout(connect, delay);
    (timer as { unref?: () => void }).unref?.();
  };

  async function connect(): Promise<void> {
    if (closed) return;
    controller = new AbortController();
    const { signal } = controller;
    const confirmTimer = everConfirmed
      ? undefined
      : setTimeout(() => controller?.abort(new Error('timeout')), options.confirmTimeoutMs);
    try {
      const res = await fetchImpl(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream', 'cache-control': 'no-cache' },
        body: '[]',
        signal,
      });
      if (res.status !== 200 || !res.body) {
        await res.body?.cancel().catch(() => undefined);
        return lost(res.status === 401 ? 'rejected the REST token (invalid or missing token)' : `answered HTTP ${res.status}`);
      }
      const parser = createParser({ onEvent: (event) => onData(event.data) });
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (everConfirmed && confirmTimer) clearTimeout(confirmTimer);
      }
      lost('ended the subscription stream');
    } catch (err) {
      if (signal.aborted && closed) return;
      lost(signal.aborted ? `did not confirm the subscription within ${options.confirmTimeoutMs} ms` : errorMessage(err));
    } finally {
      if (confirmTimer) clearTimeout(confirmTimer);
    }
  }

  void connect();
  return {
    ready,
    close() {
      closed = true;
      controller?.abort();
    },
  };
}
