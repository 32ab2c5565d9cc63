import { createParser } from 'eventsource-parser';
import { Agent, request } from 'undici';

/** One streaming endpoint: an OpenAI-protocol or GAIA v1 SSE stream (both carry `choices[0].delta.content`). */
export interface StreamTarget {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface StreamRunOptions {
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  /** Words every complete reply has; shorter ones count as errors. */
  words: number;
  /**
   * Spread the workers' first requests over this many ms (about one reply's duration), so that turns arrive steadily
   * instead of all at once every reply.
   */
  staggerMs?: number;
  /** Called when the warm-up ends and the measured window starts. */
  onWindowStart?: () => void;
  /** Called when the measured window ends (streams in flight then still run to their end). */
  onWindowEnd?: () => void;
}

export interface StreamRun {
  /** Time to the first content token from the request's start, ms, one per stream started in the measured window. */
  ttft: number[];
  /** Tokens/s of each stream from its first token to its end. */
  streamRates: number[];
  /** Streams started in the measured window that completed. */
  completed: number;
  errors: number;
  /** A few distinct error messages. */
  errorSamples: string[];
  /** Tokens received during the measured window, per second. */
  tokensPerSecond: number;
}

interface Stream {
  ttft: number;
  rate: number;
}

const decoderOptions = { stream: true } as const;

/** Reads one SSE reply; `onToken` is called per received word with its arrival time. */
async function oneStream(agent: Agent, target: StreamTarget, payload: string, words: number, onTokens: (n: number) => void): Promise<Stream> {
  const start = performance.now();
  const { statusCode, body } = await request(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...target.headers },
    body: payload,
    dispatcher: agent,
  });
  if (statusCode !== 200) throw new Error(`HTTP ${statusCode}: ${(await body.text()).slice(0, 200)}`);
  let first: number | null = null;
  let received = 0;
  let done = false;
  let failure: string | null = null;
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      const chunk = JSON.parse(event.data) as { error?: { message?: string }; choices?: { delta?: { content?: unknown } }[] };
      if (chunk.error) failure = chunk.error.message ?? 'stream error';
      const content = chunk.choices?.[0]?.delta?.content;
      if (typeof content !== 'string' || content === '') return;
      first ??= performance.now();
      const n = content.split(/\s+/).filter(Boolean).length;
      received += n;
      onTokens(n);
    },
  });
  const decoder = new TextDecoder();
  for await (const piece of body) parser.feed(decoder.decode(piece as Buffer, decoderOptions));
  const end = performance.now();
  if (failure) throw new Error(`stream error: ${failure}`);
  if (!done || first === null || received !== words) throw new Error(`incomplete stream: ${received}/${words} words, [DONE] ${done}`);
  return { ttft: first - start, rate: (received - 1) / ((end - first) / 1000) };
}

/**
 * Keeps `concurrency` streams open against `target` (a new one as soon as one ends) for a warm-up, then for the
 * measured window; streams started in the window are recorded, tokens are counted as they arrive in the window.
 * @example const run = await runStreams(target, { concurrency: 50, seconds: 10, warmupSeconds: 2, words: 100 });
 */
export async function runStreams(target: StreamTarget, options: StreamRunOptions): Promise<StreamRun> {
  const agent = new Agent({ connections: options.concurrency * 2, keepAliveTimeout: 30_000, pipelining: 1 });
  const payload = JSON.stringify(target.body);
  const windowStart = performance.now() + options.warmupSeconds * 1000;
  const windowEnd = windowStart + options.seconds * 1000;
  const run: StreamRun = { ttft: [], streamRates: [], completed: 0, errors: 0, errorSamples: [], tokensPerSecond: 0 };
  let windowTokens = 0;
  const timers = [
    setTimeout(() => options.onWindowStart?.(), windowStart - performance.now()),
    setTimeout(() => options.onWindowEnd?.(), windowEnd - performance.now()),
  ];
  const onTokens = (n: number) => {
    const now = performance.now();
    if (now >= windowStart && now < windowEnd) windowTokens += n;
  };

  async function worker(index: number) {
    await new Promise((r) => setTimeout(r, ((options.staggerMs ?? 0) * index) / options.concurrency));
    while (performance.now() < windowEnd) {
      const measured = performance.now() >= windowStart;
      try {
        const stream = await oneStream(agent, target, payload, options.words, onTokens);
        if (!measured) continue;
        run.completed++;
        run.ttft.push(stream.ttft);
        run.streamRates.push(stream.rate);
      } catch (err) {
        if (measured) {
          run.errors++;
          const message = err instanceof Error ? err.message : String(err);
          if (run.errorSamples.length < 3 && !run.errorSamples.includes(message)) run.errorSamples.push(message);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  for (const timer of timers) clearTimeout(timer);
  await agent.close();
  run.tokensPerSecond = windowTokens / options.seconds;
  return run;
}

/** The value at percentile `p` (nearest rank) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
