import OpenAI from 'openai';

/** Texts in, vectors out: `dimensions` numbers each, in input order (KB search, asset reuse). */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/**
 * A vector as pgvector's text input (`[0.1,0.2,...]`).
 * @example toVectorLiteral([1, 0]) // '[1,0]'
 */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}

export interface OpenAiEmbedderOptions {
  /** May be empty for local OpenAI-compatible servers that need no key. */
  apiKey: string;
  /** E.g. `http://localhost:11434/v1`; default OpenAI's. */
  baseURL?: string | undefined;
  model?: string | undefined;
  dimensions?: number | undefined;
  timeoutMs: number;
  /** Texts per request. Default 64. */
  batchSize?: number | undefined;
  /** Retries of a failed request (the SDK's backoff: 408/409/429/5xx and network errors). Default 2. */
  maxRetries?: number | undefined;
}

/** Only the text-embedding-3 family accepts a `dimensions` parameter. */
const acceptsDimensions = (model: string) => model.startsWith('text-embedding-3');

/**
 * Embeddings over the OpenAI API (or any compatible server) with the official SDK: batched requests, vectors in
 * input order, each checked to have `dimensions` values.
 * @example const embedder = createOpenAiEmbedder({ apiKey: config.OPENAI_API_KEY, timeoutMs: 30_000 });
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const model = options.model ?? 'text-embedding-3-small';
  const dimensions = options.dimensions ?? 1536;
  const batchSize = options.batchSize ?? 64;
  const client = new OpenAI({
    apiKey: options.apiKey || 'none',
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 2,
  });

  async function embedBatch(input: string[], signal?: AbortSignal): Promise<number[][]> {
    const response = await client.embeddings.create(
      { model, input, ...(acceptsDimensions(model) ? { dimensions } : {}) },
      signal ? { signal } : {},
    );
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    if (vectors.length !== input.length) {
      throw new Error(`The embeddings provider returned ${vectors.length} vectors for ${input.length} texts`);
    }
    const wrong = vectors.find((v) => v.length !== dimensions);
    if (wrong) {
      throw new Error(
        `The embeddings provider returned vectors of ${wrong.length} dimensions, expected ${dimensions} (check the configured embedding dimensions for model ${model})`,
      );
    }
    return vectors;
  }

  return {
    model,
    dimensions,
    async embed(texts, signal) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        // Empty strings are rejected by the API; a single space embeds to "nothing in particular".
        const batch = texts.slice(i, i + batchSize).map((t) => (t.trim() === '' ? ' ' : t));
        vectors.push(...(await embedBatch(batch, signal)));
      }
      return vectors;
    },
  };
}
