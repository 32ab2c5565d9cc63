import type { ParsedDocument } from './front-matter.ts';

/** A searchable section of a document. */
export interface Chunk {
  /** 0-based position in the document. */
  ordinal: number;
  /** Heading path of the section, e.g. `Setup › Install`; '' before the first heading. */
  heading: string;
  content: string;
  /** 1-based, inclusive lines of the ORIGINAL file (front matter counted). */
  lineStart: number;
  lineEnd: number;
}

export interface ChunkOptions {
  /** Sections longer than this many characters are split at paragraph boundaries. Default 1500. */
  maxChars?: number;
}

interface Line {
  text: string;
  /** 1-based line number in the original file. */
  n: number;
  /** Blank line outside a fenced code block: a paragraph boundary. */
  boundary: boolean;
}

interface Section {
  heading: string;
  /** The heading line itself, when the section starts with one. */
  headingLine: boolean;
  lines: Line[];
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function sections(parsed: ParsedDocument): Section[] {
  const result: Section[] = [{ heading: '', headingLine: false, lines: [] }];
  const stack: { level: number; text: string }[] = [];
  let fence: string | undefined;
  parsed.body.split('\n').forEach((text, i) => {
    const n = parsed.bodyStartLine + i;
    const marker = FENCE.exec(text)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    }
    const heading = fence === undefined && marker === undefined ? HEADING.exec(text) : null;
    if (heading) {
      const level = heading[1]!.length;
      while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
      stack.push({ level, text: (heading[2] ?? '').trim() });
      const path = stack.map((h) => h.text).filter((t) => t !== '').join(' › ');
      result.push({ heading: path, headingLine: true, lines: [{ text, n, boundary: false }] });
      return;
    }
    const boundary = fence === undefined && text.trim() === '';
    result[result.length - 1]!.lines.push({ text, n, boundary });
  });
  return result;
}

/** Splits lines into runs of at most `max` characters, at paragraph boundaries when possible, else at lines. */
function pack(lines: Line[], max: number): Line[][] {
  const paragraphs: Line[][] = [[]];
  for (const line of lines) {
    paragraphs[paragraphs.length - 1]!.push(line);
    if (line.boundary) paragraphs.push([]);
  }
  const pieces: Line[][] = [];
  let current: Line[] = [];
  let size = 0;
  const flush = () => {
    if (current.length > 0) pieces.push(current);
    current = [];
    size = 0;
  };
  const add = (unit: Line[]) => {
    const unitSize = unit.reduce((sum, l) => sum + l.text.length + 1, 0);
    if (size + unitSize > max && size > 0) flush();
    current.push(...unit);
    size += unitSize;
  };
  for (const paragraph of paragraphs) {
    const paragraphSize = paragraph.reduce((sum, l) => sum + l.text.length + 1, 0);
    if (paragraphSize <= max) add(paragraph);
    else for (const line of paragraph) for (const part of splitLong(line, max)) add([part]);
  }
  flush();
  return pieces;
}

function splitLong(line: Line, max: number): Line[] {
  if (line.text.length <= max) return [line];
  const parts: Line[] = [];
  for (let i = 0; i < line.text.length; i += max) parts.push({ ...line, text: line.text.slice(i, i + max) });
  return parts;
}

const isBlank = (line: Line) => line.text.trim() === '';

function trimmed(lines: Line[]): Line[] {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start]!)) start++;
  while (end > start && isBlank(lines[end - 1]!)) end--;
  return lines.slice(start, end);
}

/**
 * Splits a parsed document into chunks by Markdown headings (ignoring `#` lines inside fenced code), then splits
 * sections longer than `maxChars` at paragraph boundaries. Sections with nothing but their heading are dropped
 * (unless that would leave the document without any chunk). Line ranges refer to the original file.
 * @example chunkDocument(parseDocument('a.md', '# A\ntext\n## B\nmore')).map((c) => c.heading) // ['A', 'A › B']
 */
export function chunkDocument(parsed: ParsedDocument, options: ChunkOptions = {}): Chunk[] {
  const max = options.maxChars ?? 1500;
  const all = sections(parsed);
  const withText = all.filter((s) => s.lines.slice(s.headingLine ? 1 : 0).some((l) => !isBlank(l)));
  const chosen = withText.length > 0 ? withText : all.filter((s) => s.lines.some((l) => !isBlank(l)));
  const chunks: Chunk[] = [];
  for (const section of chosen) {
    for (const piece of pack(section.lines, max)) {
      const lines = trimmed(piece);
      if (lines.length === 0) continue;
      chunks.push({
        ordinal: chunks.length,
        heading: section.heading,
        content: lines.map((l) => l.text).join('\n'),
        lineStart: lines[0]!.n,
        lineEnd: lines[lines.length - 1]!.n,
      });
    }
  }
  return chunks;
}
