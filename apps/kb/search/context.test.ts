import { describe, expect, it } from 'vitest';
import { dbBackends } from '../../../lib/testing/db.ts';
import { buildContext, estimateTokens } from './context.ts';
import { useKbSchema } from './test-support.ts';
import type { ReadScope } from './types.ts';

const section = (n: number) => `## Part ${n}\nDeploy step ${n}: ${'the release train runs the deploy job. '.repeat(20)}`;
const files = {
  'shared/long.md': `# Long deploy guide\n${Array.from({ length: 6 }, (_, i) => section(i + 1)).join('\n\n')}\n`,
  'shared/short.md': '# Short\nDeploy with one command.\n',
  'users/alice/a.md': '# Alice\nDeploy deploy deploy.\n',
};
const BOB: ReadScope = { all: false, prefixes: ['shared/', 'users/bob/'] };

describe.each(dbBackends())('buildContext on $name', ({ create }) => {
  const kb = useKbSchema(create, { indexed: files });

  const deps = () => ({ db: kb.db, schema: kb.schema, vectors: false });

  it('packs the best passages within the token budget, with their sources', async () => {
    const result = await buildContext(deps(), { query: 'deploy', maxTokens: 500 }, BOB);
    expect(result.passages.length).toBeGreaterThan(0);
    expect(result.tokens).toBeLessThanOrEqual(500);
    expect(result.tokens).toBe(result.passages.reduce((sum, p) => sum + estimateTokens(p.text), 0));
    expect(result.truncated).toBe(true);
    for (const p of result.passages) {
      expect(p.path.startsWith('shared/')).toBe(true);
      expect(p.lineEnd).toBeGreaterThanOrEqual(p.lineStart);
      expect(p.title).not.toBe('');
    }
    const roomy = await buildContext(deps(), { query: 'deploy', maxTokens: 100_000 }, { all: true });
    expect(roomy.truncated).toBe(false);
    expect(new Set(roomy.passages.map((p) => p.path))).toEqual(new Set(['shared/long.md', 'shared/short.md', 'users/alice/a.md']));
  });

  it("returns a document's passages in order up to the budget", async () => {
    const whole = await buildContext(deps(), { path: 'shared/long.md', maxTokens: 100_000 }, BOB);
    expect(whole.truncated).toBe(false);
    expect(whole.passages.map((p) => p.heading)).toEqual(Array.from({ length: 6 }, (_, i) => `Long deploy guide › Part ${i + 1}`));
    const lines = whole.passages.map((p) => p.lineStart);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);

    const part = await buildContext(deps(), { path: 'shared/long.md', maxTokens: whole.tokens - 1 }, BOB);
    expect(part.truncated).toBe(true);
    expect(part.passages).toEqual(whole.passages.slice(0, 5));
  });

  it('gives nothing outside the scope or for an unknown document', async () => {
    expect(await buildContext(deps(), { path: 'users/alice/a.md', maxTokens: 1000 }, BOB)).toEqual({ passages: [], tokens: 0, truncated: false });
    expect(await buildContext(deps(), { path: 'shared/none.md', maxTokens: 1000 }, BOB)).toEqual({ passages: [], tokens: 0, truncated: false });
    const byQuery = await buildContext(deps(), { query: 'alice', maxTokens: 1000 }, BOB);
    expect(byQuery.passages).toEqual([]);
  });
});
