import { describe, expect, it } from 'vitest';
import { dbBackends } from '../../../lib/testing/db.ts';
import { anyWordQuery } from './fulltext.ts';
import { searchDocuments } from './search.ts';
import { useKbSchema } from './test-support.ts';
import type { ReadScope, SearchQuery } from './types.ts';

const ALL: ReadScope = { all: true };
const BOB: ReadScope = { all: false, prefixes: ['shared/', 'users/bob/', 'teams/t_1/'] };

const files: Record<string, string> = {
  'shared/deploy.md': [
    '---',
    'title: Deploying to staging',
    'tags: [ops, runbook]',
    '---',
    '# Deploying',
    'Intro about releases.',
    '',
    '## Staging',
    'Run the deploy pipeline; the staging cluster picks up the <b>new</b> image & restarts.',
  ].join('\n'),
  'shared/guides/style.md': '# Style guide\nWrite short sentences. Deploy nothing to staging on Fridays.\n',
  'users/alice/secret.md': '# Deploy staging\nThe deploy deploy deploy staging staging password plan.\n',
  'users/bob/notes.md': '---\ntags: ops\n---\n# Bob notes\nStaging deploy checklist.\n',
  'teams/t_1/plan.md': '# Team plan\nNothing about that topic.\n',
  'teams/tx1/leak.md': '# Lookalike team\nDeploy staging secrets of another team.\n',
  'README.md': '# Root readme\nDeploy staging from the root.\n',
};

describe.each(dbBackends())('full-text search on $name', ({ create }) => {
  const kb = useKbSchema(create, { indexed: files });

  const search = (query: Partial<SearchQuery>, scope: ReadScope = ALL) =>
    searchDocuments({ db: kb.db, schema: kb.schema, vectors: false }, { q: 'deploy staging', mode: 'fulltext', limit: 10, ...query }, scope);

  it('returns ranked chunks with title, heading, highlighted snippet and line range', async () => {
    const hits = await search({ q: 'staging cluster' });
    expect(hits[0]).toMatchObject({ path: 'shared/deploy.md', title: 'Deploying to staging', heading: 'Deploying › Staging', lineStart: 8, lineEnd: 9 });
    expect(hits[0]!.snippet).toContain('<mark>cluster</mark>');
    expect(hits[0]!.snippet).not.toMatch(/<b>|<\/b>/);
    expect(hits[0]!.snippet).toContain('&amp;');
    expect(hits[0]!.score).toBeGreaterThan(0);
    const scores = hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('returns at most two chunks per document and honours the limit', async () => {
    const hits = await search({ q: 'deploying OR staging OR releases' });
    const perDoc = new Map<string, number>();
    for (const h of hits) perDoc.set(h.path, (perDoc.get(h.path) ?? 0) + 1);
    expect(Math.max(...perDoc.values())).toBeLessThanOrEqual(2);
    expect(await search({ limit: 1 })).toHaveLength(1);
    expect(await search({ q: 'the and of' })).toEqual([]);
    expect(await search({ q: '' })).toEqual([]);
  });

  it("never shows documents outside the caller's scope, even the best match", async () => {
    expect((await search({ q: 'deploy password' }, ALL)).map((h) => h.path)).toEqual(['users/alice/secret.md']);
    expect(await search({ q: 'deploy password' }, BOB)).toEqual([]);
    const hits = await search({ limit: 1 }, BOB);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.path).not.toBe('users/alice/secret.md');
    const paths = [...new Set((await search({ limit: 50 }, BOB)).map((h) => h.path))];
    expect(paths.sort()).toEqual(['shared/deploy.md', 'shared/guides/style.md', 'users/bob/notes.md']);
  });

  it('cannot be widened by namespace filters or LIKE metacharacters', async () => {
    expect(await search({ namespace: 'users/alice' }, BOB)).toEqual([]);
    expect(await search({ pathPrefix: 'users/alice/' }, BOB)).toEqual([]);
    expect(await search({ pathPrefix: '%' }, BOB)).toEqual([]);
    expect(await search({}, { all: false, prefixes: ['%'] })).toEqual([]);
    expect(await search({}, { all: false, prefixes: ['users/%/'] })).toEqual([]);
    // `teams/t_1/` must not match `teams/tx1/` (`_` is a LIKE wildcard).
    expect((await search({}, { all: false, prefixes: ['teams/t_1/'] })).map((h) => h.path)).toEqual([]);
    expect(await search({}, { all: false, prefixes: [] })).toEqual([]);
  });

  it('filters by namespace, path prefix and tags', async () => {
    expect([...new Set((await search({ namespace: 'shared' })).map((h) => h.path))].sort()).toEqual(['shared/deploy.md', 'shared/guides/style.md']);
    expect((await search({ pathPrefix: 'shared/guides/' })).map((h) => h.path)).toEqual(['shared/guides/style.md']);
    const tagged = await search({ tags: ['OPS'] });
    expect([...new Set(tagged.map((h) => h.path))].sort()).toEqual(['shared/deploy.md', 'users/bob/notes.md']);
    expect([...new Set((await search({ tags: ['ops', 'runbook'] })).map((h) => h.path))]).toEqual(['shared/deploy.md']);
    expect(await search({ tags: ['ops', 'missing'] })).toEqual([]);
  });

  it('matches any meaningful word with match any, passages with more of them first; all still needs every word', async () => {
    // "cluster" and "restarts" are in the Staging section, "releases" in the intro: no one chunk has all three.
    const question = 'Which cluster restarts after a release?';
    expect(await search({ q: question })).toEqual([]);
    const any = await search({ q: question, match: 'any' });
    expect(any.map((h) => [h.path, h.heading])).toEqual([
      ['shared/deploy.md', 'Deploying › Staging'],
      ['shared/deploy.md', 'Deploying'],
    ]);
    expect(any[0]!.snippet).toContain('<mark>cluster</mark>');

    const ranked = await search({ q: 'Is the staging cluster restarted?', match: 'any' });
    expect(ranked[0]).toMatchObject({ path: 'shared/deploy.md', heading: 'Deploying › Staging' });
    expect(new Set(ranked.map((h) => h.path))).toContain('shared/guides/style.md');
    const scores = ranked.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('reads only words in match any: stop words alone find nothing, and query syntax is never an error', async () => {
    expect(await search({ q: 'What is it and how?', match: 'any' })).toEqual([]);
    expect(await search({ q: '?!', match: 'any' })).toEqual([]);
    for (const q of ["staging & b | !cluster <-> (d):* 'e' \\f", '-staging "cluster"', 'staging:*A']) {
      expect((await search({ q, match: 'any' })).length, q).toBeGreaterThan(0);
    }
    expect(anyWordQuery("What's in the getting-started guide? Guide!")).toBe('what | s | in | the | getting | started | guide');
    expect(anyWordQuery('Ça coûte 3 €')).toBe('ça | coûte | 3');
  });

  it('keeps the read scope in match any', async () => {
    expect((await search({ q: 'password plan', match: 'any' }, ALL)).map((h) => h.path)).toContain('users/alice/secret.md');
    expect((await search({ q: 'password plan', match: 'any' }, BOB)).map((h) => h.path)).not.toContain('users/alice/secret.md');
  });
});
