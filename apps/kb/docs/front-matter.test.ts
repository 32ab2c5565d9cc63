import { describe, expect, it } from 'vitest';
import { FrontMatterError, isBinary, parseDocument } from './front-matter.ts';

describe('parseDocument', () => {
  it('reads front matter fields, tags and the body with its start line', () => {
    const doc = parseDocument('shared/deploy.md', '---\ntitle: Deploying\ntags: [Ops, git, ops ]\nowner: ann\n---\n# Heading\nText\n');
    expect(doc).toMatchObject({ path: 'shared/deploy.md', title: 'Deploying', tags: ['ops', 'git'], bodyStartLine: 6 });
    expect(doc.metadata).toEqual({ title: 'Deploying', tags: ['Ops', 'git', 'ops'], owner: 'ann' });
    expect(doc.body).toBe('# Heading\nText\n');
  });

  it('accepts comma-separated tags and CRLF line endings', () => {
    const doc = parseDocument('a.md', '---\r\ntags: " Runbook, On-Call,,runbook"\r\n---\r\nbody');
    expect(doc.tags).toEqual(['runbook', 'on-call']);
    expect(doc.body).toBe('body');
    expect(doc.bodyStartLine).toBe(4);
  });

  it('falls back to the first H1 (not one inside code), then to the file name', () => {
    expect(parseDocument('a.md', '```\n# not this\n```\n\n#  The Title  #\n').title).toBe('The Title');
    expect(parseDocument('shared/notes/my-plan.md', 'no heading here\n## Sub\n').title).toBe('my-plan');
    expect(parseDocument('x.md', '---\ntitle: ""\n---\n# From H1').title).toBe('From H1');
  });

  it('treats a document without front matter as all body', () => {
    expect(parseDocument('a.md', 'just text')).toMatchObject({ tags: [], metadata: {}, body: 'just text', bodyStartLine: 1 });
    expect(parseDocument('a.md', '---\n---\nbody')).toMatchObject({ metadata: {}, body: 'body', bodyStartLine: 3 });
  });

  it.each([
    ['malformed YAML', '---\ntitle: ok\ntags: [a, b\n---\n', /line \d+/],
    ['duplicate keys', '---\ntitle: a\ntitle: b\n---\n', /line 3/],
    ['a list instead of a mapping', '---\n- a\n- b\n---\n', /mapping/],
    ['an unclosed block', '---\ntitle: a\n', /never closed/],
    ['ill-typed tags', '---\ntags: {a: 1}\n---\n', /tags/],
  ])('rejects %s with a FrontMatterError', (_name, text, message) => {
    expect(() => parseDocument('a.md', text)).toThrow(FrontMatterError);
    expect(() => parseDocument('a.md', text)).toThrow(message);
  });
});

describe('isBinary', () => {
  it('detects NUL bytes and invalid UTF-8, accepts text', () => {
    expect(isBinary(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a]))).toBe(true);
    expect(isBinary(new Uint8Array([0x61, 0xff, 0xfe, 0x62]))).toBe(true);
    expect(isBinary(new TextEncoder().encode('héllo — wörld ✓'))).toBe(false);
    expect(isBinary(new Uint8Array())).toBe(false);
  });
});
