import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from '../../lib/db/types.ts';

/** Times (performance.now(), ms) one streamed request passed each point in the platform. */
interface Marks {
  start: number;
  chat?: number;
  providerCall?: number;
  providerHeaders?: number;
  providerFirstToken?: number;
  firstTokenOut?: number;
  /** When the first database work of the request started, and when the last before the provider call ended. */
  firstDb?: number;
  lastPreDb?: number;
  /** Database statements before the provider call, and the time spent waiting for them. */
  preDbCount: number;
  preDbMs: number;
  dbCount: number;
}

/** Medians over the profiled requests, ms (counts as numbers). */
export interface ProfileSummary {
  requests: number;
  gatewayToChat: number;
  chatToProviderCall: number;
  /** Chat's route before its first statement (internal token, validation); first to last statement; then to the call. */
  chatToFirstDb: number;
  dbSpan: number;
  lastDbToProviderCall: number;
  dbStatementsBeforeCall: number;
  dbMsBeforeCall: number;
  dbStatementsPerRequest: number;
  providerHeaders: number;
  providerFirstToken: number;
  firstTokenThroughPlatform: number;
  startToFirstTokenOut: number;
}

const CONTENT = /"content":"[^"]/;

/** Marks the time the first chunk carrying content passes through `body`. */
function markFirstContent(body: ReadableStream<Uint8Array>, mark: (at: number) => void): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let seen = false;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (!seen && CONTENT.test(decoder.decode(chunk, { stream: true }))) {
          seen = true;
          mark(performance.now());
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Per-request timing of the platform's path to the provider and back, for the benchmark's profile run only
 * (AsyncLocalStorage costs a little on every await): wraps the HTTP handler, the chat service's entry, the database
 * and `globalThis.fetch` (the OpenAI SDK's transport; must be installed before the SDK client is built).
 * @example const profiler = createProfiler(providerOrigin); const db = profiler.db(rawDb); ...
 */
export function createProfiler(providerOrigin: string) {
  const als = new AsyncLocalStorage<Marks>();
  let requests: Marks[] = [];

  const originalFetch = globalThis.fetch;
  globalThis.fetch = async function profiledFetch(input, init) {
    const marks = als.getStore();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!marks || !url.startsWith(providerOrigin)) return originalFetch(input, init);
    marks.providerCall = performance.now();
    const response = await originalFetch(input, init);
    marks.providerHeaders = performance.now();
    if (!response.body) return response;
    const body = markFirstContent(response.body, (at) => {
      marks.providerFirstToken = at;
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };

  return {
    /** `db` with every statement counted and timed against the current request. */
    db(db: Db): Db {
      /** Counts `statements` against the current request, and the time when `timeIt` (a transaction's own statements are not). */
      const timed = async <T>(statements: number, timeIt: boolean, work: () => Promise<T>): Promise<T> => {
        const marks = als.getStore();
        const started = performance.now();
        if (marks) marks.firstDb ??= started;
        try {
          return await work();
        } finally {
          if (marks) {
            marks.dbCount += statements;
            if (marks.providerCall === undefined) {
              const ended = performance.now();
              marks.preDbCount += statements;
              marks.lastPreDb = ended;
              if (timeIt) marks.preDbMs += ended - started;
            }
          }
        }
      };
      return {
        kind: db.kind,
        query: (sql, params) => timed(1, true, () => db.query(sql, params)),
        exec: (sql) => db.exec(sql),
        transaction: (fn) =>
          timed(0, true, () =>
            db.transaction((tx) =>
              fn({
                query: (sql, params) => timed(1, false, () => tx.query(sql, params)),
                exec: (sql) => tx.exec(sql),
              }),
            ),
          ),
        ping: () => db.ping(),
        close: () => db.close(),
      };
    },
    /** The HTTP handler, timing each request from its arrival to its first content token leaving. */
    handler(fetch: (request: Request) => Response | Promise<Response>) {
      return (request: Request) => {
        const marks: Marks = { start: performance.now(), preDbCount: 0, preDbMs: 0, dbCount: 0 };
        return als.run(marks, async () => {
          const response = await fetch(request);
          if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
          requests.push(marks);
          const body = markFirstContent(response.body, (at) => {
            marks.firstTokenOut = at;
          });
          return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
        });
      };
    },
    /** Marks a request's arrival at the chat service. */
    service(fetch: (request: Request) => Response | Promise<Response>) {
      return (request: Request) => {
        const marks = als.getStore();
        if (marks) marks.chat = performance.now();
        return fetch(request);
      };
    },
    reset() {
      requests = [];
    },
    summary(): ProfileSummary {
      const done = requests.filter((m) => m.firstTokenOut !== undefined && m.providerFirstToken !== undefined);
      const of = (f: (m: Marks) => number) => median(done.map(f));
      return {
        requests: done.length,
        gatewayToChat: of((m) => (m.chat ?? Number.NaN) - m.start),
        chatToProviderCall: of((m) => (m.providerCall ?? Number.NaN) - (m.chat ?? Number.NaN)),
        chatToFirstDb: of((m) => (m.firstDb ?? Number.NaN) - (m.chat ?? Number.NaN)),
        dbSpan: of((m) => (m.lastPreDb ?? Number.NaN) - (m.firstDb ?? Number.NaN)),
        lastDbToProviderCall: of((m) => (m.providerCall ?? Number.NaN) - (m.lastPreDb ?? Number.NaN)),
        dbStatementsBeforeCall: of((m) => m.preDbCount),
        dbMsBeforeCall: of((m) => m.preDbMs),
        dbStatementsPerRequest: of((m) => m.dbCount),
        providerHeaders: of((m) => (m.providerHeaders ?? Number.NaN) - (m.providerCall ?? Number.NaN)),
        providerFirstToken: of((m) => (m.providerFirstToken ?? Number.NaN) - (m.providerCall ?? Number.NaN)),
        firstTokenThroughPlatform: of((m) => (m.firstTokenOut ?? Number.NaN) - (m.providerFirstToken ?? Number.NaN)),
        startToFirstTokenOut: of((m) => (m.firstTokenOut ?? Number.NaN) - m.start),
      };
    },
  };
}
