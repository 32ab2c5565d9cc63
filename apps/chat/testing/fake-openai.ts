import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tool call the fake model makes; its arguments are streamed split over several chunks. */
export interface FakeToolCall {
  id?: string;
  name: string;
  arguments: string;
}

/** What the fake does for one request. Fields combine: e.g. a slow first byte, then text cut after 3 words. */
export interface FakeScript {
  /** Reply text, streamed word by word. */
  text?: string;
  /** Benchmark: a reply of this many words when `text` is absent. */
  words?: number;
  toolCalls?: FakeToolCall[];
  /** Default: ≈ request chars/4 in, one per streamed piece out. */
  usage?: { inputTokens: number; outputTokens: number };
  /** The protocol's own finish/stop reason; default from whether tools were called. */
  finishReason?: string;
  /** Answer with this error status (429, 500, 529, 401, ...) and the protocol's error body. */
  status?: number;
  errorMessage?: string;
  /** Extra response headers, e.g. `{ 'retry-after': '1' }`. */
  headers?: Record<string, string>;
  /** Wait before sending the response headers (slow first byte). */
  firstByteDelayMs?: number;
  /** Wait after the headers before the first token (benchmark: 50 ms to first token). */
  firstTokenDelayMs?: number;
  /** Wait between streamed pieces. */
  tokenDelayMs?: number;
  /** Benchmark: a steady rate instead of `tokenDelayMs`, scheduled against the clock (no drift). */
  tokensPerSecond?: number;
  /** Destroy the socket after this many text pieces went out (a stream cut mid-way). */
  cutAfterTokens?: number;
  /** Send a body (or an SSE data line) that is not JSON. */
  invalidJson?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it is not JSON). */
  body: unknown;
  /** Whether the request asked for a stream. */
  stream: boolean;
  /** Resolves when the exchange ended: `finished` (response complete) or `closed` (the socket went away first). */
  ended: Promise<'finished' | 'closed'>;
}

export type ScriptSource = FakeScript | ((request: RecordedRequest, index: number) => FakeScript);

export interface FakeServerOptions {
  /** Scripts used in order, one per request; when used up, `script` answers. */
  scripts?: FakeScript[];
  /** The script (or a function choosing one) for requests beyond the queue. Default: a short text reply. */
  script?: ScriptSource;
}

export interface FakeLlmServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** What to give the SDK as `baseURL`. */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Queue more scripts. */
  enqueue(...scripts: FakeScript[]): void;
  close(): Promise<void>;
}

/** A running exchange, as the protocol writer sees it. */
export interface Exchange {
  request: RecordedRequest;
  script: FakeScript;
  res: ServerResponse;
  /** The streamed text in word-sized pieces. */
  pieces: string[];
  isClosed(): boolean;
  /** Waits until the next streamed piece is due (first-token delay, then the per-token pace). */
  pace(): Promise<void>;
  /** Writes and waits until flushed; false when the client is gone. */
  write(chunk: string): Promise<boolean>;
  /** Destroys the socket if the script cuts the stream after `sentPieces`; true when it did. */
  cutIfDue(sentPieces: number): boolean;
}

export const DEFAULT_FAKE_TEXT = 'Hello from the fake model.';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `text` in word-sized pieces (each word with its trailing space). */
export const splitPieces = (text: string): string[] => text.split(/(?<=\s)(?=\S)/).filter(Boolean);

/** A tool call's arguments in `parts` pieces, so clients must assemble them. */
export function splitArguments(args: string, parts = 3): string[] {
  const size = Math.max(1, Math.ceil(args.length / parts));
  const out: string[] = [];
  for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
  return out.length ? out : [''];
}

export function replyText(script: FakeScript): string {
  if (script.text !== undefined) return script.text;
  if (script.words) return Array.from({ length: script.words }, (_, i) => `word${i}`).join(' ');
  return script.toolCalls?.length ? '' : DEFAULT_FAKE_TEXT;
}

export function usageOf(script: FakeScript, request: RecordedRequest, pieces: string[]) {
  const input = Math.ceil(JSON.stringify(request.body ?? '').length / 4);
  const output = pieces.length + (script.toolCalls ?? []).reduce((n, call) => n + Math.ceil(call.arguments.length / 4), 0);
  return script.usage ?? { inputTokens: input, outputTokens: output };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * The shared machinery of the fake model servers: node:http on 127.0.0.1:0, the script queue, request recording,
 * pacing and cutting. `respond` speaks the protocol; requests to other paths get 404.
 */
export async function startScriptedServer(
  path: string,
  basePath: string,
  respond: (exchange: Exchange) => Promise<void>,
  options: FakeServerOptions = {},
): Promise<FakeLlmServer> {
  const queue = [...(options.scripts ?? [])];
  const fallback: ScriptSource = options.script ?? { text: DEFAULT_FAKE_TEXT };
  const requests: RecordedRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let closed = false;
    let resolveEnded: (how: 'finished' | 'closed') => void = () => {};
    const ended = new Promise<'finished' | 'closed'>((resolve) => {
      resolveEnded = resolve;
    });
    res.on('close', () => {
      closed = true;
      resolveEnded(res.writableFinished ? 'finished' : 'closed');
    });
    const raw = await readBody(req);
    const body = parseJson(raw);
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: req.headers,
      body,
      stream: (body as { stream?: unknown } | undefined)?.stream === true,
      ended,
    };
    if (req.method !== 'POST' || url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const index = requests.push(request) - 1;
    const script = queue.shift() ?? (typeof fallback === 'function' ? fallback(request, index) : fallback);
    if (script.firstByteDelayMs) await sleep(script.firstByteDelayMs);
    if (closed) return;

    let startedAt: number | undefined;
    let paced = 0;
    const exchange: Exchange = {
      request,
      script,
      res,
      pieces: splitPieces(replyText(script)),
      isClosed: () => closed,
      async pace() {
        startedAt ??= performance.now();
        const i = paced++;
        const first = script.firstTokenDelayMs ?? 0;
        const gap = script.tokensPerSecond ? 1000 / script.tokensPerSecond : (script.tokenDelayMs ?? 0);
        const wait = startedAt + first + i * gap - performance.now();
        if (wait > 0) await sleep(wait);
      },
      write: (chunk) =>
        new Promise((resolve) => {
          if (closed) return resolve(false);
          res.write(chunk, (err) => resolve(!err && !closed));
        }),
      cutIfDue(sent) {
        if (script.cutAfterTokens === undefined || sent < script.cutAfterTokens) return false;
        res.socket?.destroy();
        return true;
      },
    };
    await respond(exchange);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseURL: origin + basePath,
    requests,
    enqueue: (...scripts) => {
      queue.push(...scripts);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes an error status with `body` and the script's headers. */
export function writeError(exchange: Exchange, status: number, body: unknown): void {
  exchange.res.writeHead(status, { 'content-type': 'application/json', ...exchange.script.headers }).end(JSON.stringify(body));
}

function openAiError(status: number, message: string) {
  const type =
    status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: type } };
}

function openAiFinish(script: FakeScript): string {
  return script.finishReason ?? (script.toolCalls?.length ? 'tool_calls' : 'stop');
}

const toolCallId = (call: FakeToolCall, i: number) => call.id ?? `call_fake_${i}`;

async function streamOpenAi(exchange: Exchange, id: string, model: string): Promise<void> {
  const { res, script, request, pieces } = exchange;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: choice ? [{ index: 0, logprobs: null, finish_reason: null, ...choice }] : [], ...extra })}\n\n`;

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...script.headers });
  if (!(await exchange.write(chunk({ delta: { role: 'assistant', content: '' } })))) return;
  if (script.invalidJson) {
    await exchange.write('data: {"id": "chatcmpl-broken", "choices": [\n\n');
    res.end();
    return;
  }
  for (const [i, piece] of pieces.entries()) {
    await exchange.pace();
    if (!(await exchange.write(chunk({ delta: { content: piece } })))) return;
    if (exchange.cutIfDue(i + 1)) return;
  }
  for (const [i, call] of (script.toolCalls ?? []).entries()) {
    const head = { index: i, id: toolCallId(call, i), type: 'function', function: { name: call.name, arguments: '' } };
    if (!(await exchange.write(chunk({ delta: { tool_calls: [head] } })))) return;
    for (const part of splitArguments(call.arguments)) {
      await exchange.pace();
      if (!(await exchange.write(chunk({ delta: { tool_calls: [{ index: i, function: { arguments: part } }] } })))) return;
    }
  }
  if (!(await exchange.write(chunk({ delta: {}, finish_reason: openAiFinish(script) })))) return;
  const options = (request.body as { stream_options?: { include_usage?: boolean } }).stream_options;
  if (options?.include_usage) {
    const usage = usageOf(script, request, pieces);
    const wire = { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens };
    if (!(await exchange.write(chunk(null, { usage: wire })))) return;
  }
  await exchange.write('data: [DONE]\n\n');
  res.end();
}

function completionOpenAi(exchange: Exchange, id: string, model: string): void {
  const { res, script, request, pieces } = exchange;
  if (script.invalidJson) {
    res.writeHead(200, { 'content-type': 'application/json', ...script.headers }).end('{"id": "chatcmpl-broken", "choices": [');
    return;
  }
  const usage = usageOf(script, request, pieces);
  const calls = (script.toolCalls ?? []).map((call, i) => ({
    id: toolCallId(call, i),
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  const body = {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: pieces.join('') || null, refusal: null, ...(calls.length ? { tool_calls: calls } : {}) },
        logprobs: null,
        finish_reason: openAiFinish(script),
      },
    ],
    usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
  };
  res.writeHead(200, { 'content-type': 'application/json', ...script.headers }).end(JSON.stringify(body));
}

/**
 * A fake OpenAI speaking the real Chat Completions wire protocol on `POST /v1/chat/completions`: JSON, or SSE
 * `data: {chunk}` lines ending in `data: [DONE]` (with a usage chunk when `stream_options.include_usage`), tool-call
 * arguments split over chunks. Scripted per request; every request is recorded.
 * @example const fake = await startFakeOpenAi({ scripts: [{ status: 429, headers: { 'retry-after': '1' } }, { text: 'hi' }] });
 *   new OpenAI({ apiKey: 'k', baseURL: fake.baseURL });
 */
export function startFakeOpenAi(options: FakeServerOptions = {}): Promise<FakeLlmServer> {
  let n = 0;
  return startScriptedServer(
    '/v1/chat/completions',
    '/v1',
    async (exchange) => {
      const { script, request } = exchange;
      if (script.status) {
        writeError(exchange, script.status, openAiError(script.status, script.errorMessage ?? `fake error ${script.status}`));
        return;
      }
      const id = `chatcmpl-fake-${++n}`;
      const model = String((request.body as { model?: unknown } | undefined)?.model ?? 'fake-model');
      if (request.stream) await streamOpenAi(exchange, id, model);
      else completionOpenAi(exchange, id, model);
    },
    options,
  );
}
