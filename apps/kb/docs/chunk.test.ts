import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk.ts';
import { parseDocument } from './front-matter.ts';

const lines = (text: string, start: number, end: number) => text.split('\n').slice(start - 1, end).join('\n');

describe('chunkDocument', () => {
  const text = [
    '---', // 1
    'title: Guide', // 2
    '---', // 3
    'Intro paragraph.', // 4
    '', // 5
    '# Setup', // 6
    'Setup text.', // 7
    '## Install', // 8
    '', // 9
    'Run the installer.', // 10
    '```sh', // 11
    '# not a heading', // 12
    '```', // 13
    '## Empty', // 14
    '# Use', // 15
    'Use it.', // 16
  ].join('\n');

  it('splits by headings with parent paths and line ranges of the original file', () => {
    const chunks = chunkDocument(parseDocument('g.md', text));
    expect(chunks.map(({ ordinal, heading, lineStart, lineEnd }) => ({ ordinal, heading, lineStart, lineEnd }))).toEqual([
      { ordinal: 0, heading: '', lineStart: 4, lineEnd: 4 },
      { ordinal: 1, heading: 'Setup', lineStart: 6, lineEnd: 7 },
      { ordinal: 2, heading: 'Setup › Install', lineStart: 8, lineEnd: 13 },
      { ordinal: 3, heading: 'Use', lineStart: 15, lineEnd: 16 },
    ]);
    for (const chunk of chunks) expect(chunk.content).toBe(lines(text, chunk.lineStart, chunk.lineEnd));
  });

  it('splits long sections at paragraph boundaries, keeping line ranges exact', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `Paragraph ${i} ${'word '.repeat(80)}`.trim());
    const body = `# Long\n${paragraphs.join('\n\n')}`;
    const chunks = chunkDocument(parseDocument('l.md', body), { maxChars: 1000 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.heading).toBe('Long');
      expect(chunk.content.length).toBeLessThanOrEqual(1000);
      expect(chunk.content).toBe(lines(body, chunk.lineStart, chunk.lineEnd));
    }
    expect(chunks.map((c) => c.content).join('\n\n')).toBe(body);
  });

  it('hard-splits a single huge line and drops empty documents', () => {
    const chunks = chunkDocument(parseDocument('h.md', 'x'.repeat(4000)));
    expect(chunks.map((c) => c.content.length)).toEqual([1500, 1500, 1000]);
    expect(chunks.every((c) => c.lineStart === 1 && c.lineEnd === 1)).toBe(true);
    expect(chunkDocument(parseDocument('e.md', '---\ntitle: x\n---\n\n  \n'))).toEqual([]);
  });

  it('keeps a heading-only document searchable', () => {
    expect(chunkDocument(parseDocument('t.md', '# Only a title\n'))).toEqual([
      { ordinal: 0, heading: 'Only a title', content: '# Only a title', lineStart: 1, lineEnd: 1 },
    ]);
  });
});
