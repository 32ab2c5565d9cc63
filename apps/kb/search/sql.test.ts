import { describe, expect, it } from 'vitest';
import { fuseRankings } from './fusion.ts';
import type { RankedChunk } from './ranked-chunk.ts';
import { filterSql, inScope, likePrefix, schemaIdent } from './sql.ts';

describe('sql helpers', () => {
  it('escapes LIKE metacharacters in prefixes', () => {
    expect(likePrefix('users/a_b/')).toBe('users/a\\_b/%');
    expect(likePrefix('100%\\x/')).toBe('100\\%\\\\x/%');
  });

  it('always puts the read scope into the condition', () => {
    const params: unknown[] = ['q'];
    const where = filterSql({ scope: { all: false, prefixes: ['users/bob/'] }, namespace: 'users/alice', tags: [' Ops '] }, params);
    expect(where).toMatch(/^d\.path like any .*\$2.* and d\.namespace = \$3.* and d\.tags @> .*\$4/);
    expect(params).toEqual(['q', '["users/bob/%"]', 'users/alice', '["ops"]']);
    expect(filterSql({ scope: { all: true } }, [])).toBe('true');
  });

  it('checks scope and schema names', () => {
    expect(inScope('users/bob/a.md', { all: false, prefixes: ['users/bob/'] })).toBe(true);
    expect(inScope('users/bobby/a.md', { all: false, prefixes: ['users/bob/'] })).toBe(false);
    expect(() => schemaIdent('kb"; drop')).toThrow(/Invalid schema/);
  });
});

describe('fuseRankings', () => {
  const chunk = (id: number): RankedChunk => ({ id, path: `p${id}.md`, title: '', heading: '', content: '', snippet: `s${id}`, score: 0, lineStart: 1, lineEnd: 1 });

  it('sums reciprocal ranks (k = 60), keeping the first list snippet', () => {
    const fused = fuseRankings([[chunk(1), chunk(2)], [{ ...chunk(2), snippet: 'other' }, chunk(3)]]);
    expect(fused.map((c) => c.id)).toEqual([2, 1, 3]);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 10);
    expect(fused[0]!.snippet).toBe('s2');
  });
});
