import { describe, expect, it } from 'vitest';
import { findInputProblem, formatInputPath, MAX_JSON_DEPTH, NUL_MESSAGE, SURROGATE_MESSAGE, textProblem } from './input-text.ts';

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('textProblem', () => {
  it('refuses NUL and unpaired surrogates, high or low, anywhere', () => {
    expect(textProblem('\u0000')).toBe(NUL_MESSAGE);
    expect(textProblem('before\u0000after')).toBe(NUL_MESSAGE);
    expect(textProblem('\ud800')).toBe(SURROGATE_MESSAGE);
    expect(textProblem('a\ud83dz')).toBe(SURROGATE_MESSAGE);
    expect(textProblem('\udc00 first')).toBe(SURROGATE_MESSAGE);
    expect(textProblem('\ude00\ud83d')).toBe(SURROGATE_MESSAGE);
  });

  it('accepts every other text: pairs, tabs, newlines, control characters, U+FFFD, any script', () => {
    for (const text of ['', 'plain', 'tab\tnew\nline\r\n', '😀 \ud83d\ude00', 'é 漢字 עברית', '\ufffd', '\u0001\u001f\u007f', '\\u0000 as text']) {
      expect(textProblem(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('findInputProblem', () => {
  it('names the path of the first bad string or key', () => {
    expect(findInputProblem({ messages: [{ role: 'user', content: 'a\u0000' }] })).toEqual({ path: ['messages', 0, 'content'], message: NUL_MESSAGE });
    expect(findInputProblem({ traits: { 'bad\ud800key': 1 } })).toEqual({ path: ['traits', 'bad\ud800key'], message: `key ${SURROGATE_MESSAGE}` });
    expect(findInputProblem('a\u0000')).toEqual({ path: [], message: NUL_MESSAGE });
    expect(findInputProblem({ q: 'fine', tags: ['a', 'b'], n: 1, ok: true, none: null })).toBeUndefined();
  });

  it(`allows ${MAX_JSON_DEPTH} levels of nesting, refuses one more, and walks 100 000 without overflowing`, () => {
    expect(findInputProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findInputProblem(nested(MAX_JSON_DEPTH + 1))?.message).toBe(`must not nest deeper than ${MAX_JSON_DEPTH} levels`);
    expect(findInputProblem(nested(100_000))?.path).toHaveLength(MAX_JSON_DEPTH);
    expect(findInputProblem({ a: { b: {} } }, 2)?.path).toEqual(['a', 'b']);
  });

  it('refuses __proto__ keys and constructor.prototype, as JSON.parse makes them (own keys)', () => {
    expect(findInputProblem(JSON.parse('{"a":{"__proto__":{"admin":true}}}'))).toEqual({ path: ['a'], message: 'must not have a "__proto__" key' });
    expect(findInputProblem(JSON.parse('{"constructor":{"prototype":{"admin":true}}}'))).toEqual({
      path: ['constructor'],
      message: 'must not have a "prototype" key',
    });
    expect(findInputProblem({ constructor: 'Bob', prototype: 'fine on its own' })).toBeUndefined();
  });

  it('skips values that are not plain data (a validator may output Dates or URLs)', () => {
    expect(findInputProblem({ at: new Date(0), url: new URL('http://x/%00') })).toBeUndefined();
  });
});

describe('formatInputPath', () => {
  it('joins with dots, names the root, and shortens long paths', () => {
    expect(formatInputPath([])).toBe('(root)');
    expect(formatInputPath(['messages', 0, 'content'])).toBe('messages.0.content');
    expect(formatInputPath(Array.from({ length: 64 }, () => 0))).toBe('0.0.0.….0.0');
  });
});
