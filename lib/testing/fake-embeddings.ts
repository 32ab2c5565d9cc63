import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEmbeddingsOptions {
  /** Dimensions when the request does not ask for some. */
  dimensions: number;
  /** Answer the first N requests with a 500. Default 0. */
  failTimes?: number;
  /** Words embedded as another (`{ box: 'chest' }`): what a real model knows and a word match does not. */
  synonyms?: Record<string, string>;
}

export interface FakeEmbeddings {
  /** `http://127.0.0.1:<port>/v1`, for the OpenAI SDK's `baseURL`. */
  readonly baseURL: string;
  /** Requests to `/v1/embeddings` so far (failed ones included). */
  readonly requests: number;
  /** Texts embedded so far. */
  readonly texts: number;
  /** Makes the next `n` requests fail with a 500. */
  failNext(n: number): void;
  close(): Promise<void>;
}

const STOP_WORDS = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'for', 'from', 'how', 'i', 'in', 'is', 'it', 'of', 'on', 'or', 'the', 'to', 'we', 'what', 'with']);

/** A crude stemmer: enough that "deploying", "deployed" and "deploys" share a bucket. */
const stem = (word: string) => word.replace(/(ing|ed|es|s)$/, '') || word;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A deterministic embedding: word stems hashed into `dimensions` buckets, L2-normalised, so texts sharing words are
 * close in cosine distance; `synonyms` maps words onto others first.
 * @example fakeEmbedding('deploying the app', 8).length // 8
 */
export function fakeEmbedding(text: string, dimensions: number, synonyms: Record<string, string> = {}): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP_WORDS.has(w)).map((w) => synonyms[w] ?? w);
  for (const word of words) vector[fnv1a(stem(word)) % dimensions]! += 1;
  if (words.length === 0) vector[0] = 1;
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return vector.map((x) => x / norm);
}

const base64Of = (vector: number[]) => Buffer.from(new Float32Array(vector).buffer).toString('base64');

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8'));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const apiError = (message: string, type: string) => ({ error: { message, type, param: null, code: null } });

interface EmbeddingsRequest {
  input?: unknown;
  model?: unknown;
  dimensions?: unknown;
  encoding_format?: unknown;
}

/**
 * A local server speaking OpenAI's `POST /v1/embeddings` (float or base64 little-endian float32 responses, `usage`),
 * with {@link fakeEmbedding} vectors; it can be told to fail. For tests of the embedder and semantic search.
 * @example const fake = await startFakeEmbeddings({ dimensions: 64 }); createOpenAiEmbedder({ apiKey: 'k', baseURL: fake.baseURL, ... });
 */
export async function startFakeEmbeddings(options: FakeEmbeddingsOptions): Promise<FakeEmbeddings> {
  let requests = 0;
  let texts = 0;
  let failures = options.failTimes ?? 0;

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/embeddings') {
        return send(res, 404, apiError(`No route ${req.method} ${req.url}`, 'invalid_request_error'));
      }
      requests++;
      if (failures > 0) {
        failures--;
        return send(res, 500, apiError('The fake embeddings server was told to fail', 'server_error'));
      }
      const body = (await bodyOf(req)) as EmbeddingsRequest;
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      if (!Array.isArray(input) || input.length === 0 || !input.every((t) => typeof t === 'string' && t !== '')) {
        return send(res, 400, apiError('input must be a non-empty string or array of non-empty strings', 'invalid_request_error'));
      }
      const dimensions = typeof body.dimensions === 'number' ? body.dimensions : options.dimensions;
      const base64 = body.encoding_format === 'base64';
      texts += input.length;
      const tokens = input.reduce((sum: number, t: string) => sum + Math.ceil(t.length / 4), 0);
      send(res, 200, {
        object: 'list',
        data: input.map((text: string, index) => {
          const vector = fakeEmbedding(text, dimensions, options.synonyms);
          return { object: 'embedding', index, embedding: base64 ? base64Of(vector) : vector };
        }),
        model: typeof body.model === 'string' ? body.model : 'fake',
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    })().catch((err: unknown) => send(res, 400, apiError(`Bad request: ${String(err)}`, 'invalid_request_error')));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    get texts() {
      return texts;
    },
    failNext(n) {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
