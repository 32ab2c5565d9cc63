import { describe, expect, it } from 'vitest';
import { wordChunker } from './chunker.ts';

describe('wordChunker', () => {
  it('emits whole words and keeps the rest for later', () => {
    const c = wordChunker();
    expect(c.push('Hel')).toBe('');
    expect(c.push('lo wor')).toBe('Hello ');
    expect(c.push('ld! How')).toBe('world! ');
    expect(c.flush()).toBe('How');
  });

  it('never splits an inline directive, even across pieces and with spaces inside', () => {
    const c = wordChunker();
    const out = [c.push('Wait {"m":"pause", '), c.push('"p":{"secs": 2}} then'), c.push(' go'), c.flush()];
    expect(out).toEqual(['Wait ', '{"m":"pause", "p":{"secs": 2}} ', 'then ', 'go']);
    expect(out.join('')).toBe('Wait {"m":"pause", "p":{"secs": 2}} then go');
  });

  it('handles braces inside directive strings', () => {
    const c = wordChunker();
    expect(c.push('{"m":"say","p":{"t":"a } b"}} done ')).toBe('{"m":"say","p":{"t":"a } b"}} done ');
  });
});
