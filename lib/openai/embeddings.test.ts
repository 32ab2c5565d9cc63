import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEmbeddings, fakeEmbedding, startFakeEmbeddings } from '../testing/fake-embeddings.ts';
import { createOpenAiEmbedder } from './embeddings.ts';

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('createOpenAiEmbedder against the fake OpenAI server', () => {
  let fake: FakeEmbeddings;

  beforeAll(async () => {
    fake = await startFakeEmbeddings({ dimensions: 32 });
  });
  afterAll(() => fake?.close());

  const embedder = (options: { dimensions?: number; batchSize?: number; maxRetries?: number } = {}) =>
    createOpenAiEmbedder({ apiKey: 'sk-test', baseURL: fake.baseURL, dimensions: 32, timeoutMs: 5000, maxRetries: 0, ...options });

  it('embeds in input order, batching requests, through the SDK (base64 on the wire)', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `text number ${i}`);
    const before = fake.requests;
    const vectors = await embedder({ batchSize: 64 }).embed(texts);
    expect(fake.requests - before).toBe(3);
    expect(vectors).toHaveLength(150);
    vectors.forEach((v, i) => {
      const expected = fakeEmbedding(texts[i]!, 32);
      for (const [j, x] of v.entries()) expect(x).toBeCloseTo(expected[j]!, 5);
    });
    expect(embedder().model).toBe('text-embedding-3-small');
  });

  it('answers float requests in the OpenAI wire format', async () => {
    const response = await fetch(`${fake.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'hello world', encoding_format: 'float' }),
    });
    const body = (await response.json()) as { data: { index: number; embedding: number[] }[]; usage: { total_tokens: number } };
    expect(body.data[0]!.index).toBe(0);
    expect(body.data[0]!.embedding).toHaveLength(32);
    expect(body.usage.total_tokens).toBeGreaterThan(0);
  });

  it('gives texts sharing words close vectors', () => {
    const deploy = fakeEmbedding('deploying the staging cluster', 256);
    expect(cosine(deploy, fakeEmbedding('how do we deploy to staging', 256))).toBeGreaterThan(0.5);
    expect(cosine(deploy, fakeEmbedding('holiday calendar for the office', 256))).toBeLessThan(0.2);
  });

  it('rejects vectors of the wrong size and provider failures', async () => {
    await expect(createOpenAiEmbedder({ apiKey: 'k', baseURL: fake.baseURL, model: 'local-model', dimensions: 16, timeoutMs: 5000 }).embed(['x'])).rejects.toThrow(
      /32 dimensions, expected 16/,
    );
    fake.failNext(1);
    await expect(embedder().embed(['x'])).rejects.toThrow(/500/);
    fake.failNext(1);
    expect(await embedder({ maxRetries: 1 }).embed(['x'])).toHaveLength(1);
  });
});
