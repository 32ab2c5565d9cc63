import { parseDocument as parseYaml } from 'yaml';

/** A document split into its front matter fields and its Markdown body. */
export interface ParsedDocument {
  path: string;
  title: string;
  /** Lower-cased, trimmed, without duplicates. */
  tags: string[];
  /** The whole front matter (`{}` when there is none). */
  metadata: Record<string, unknown>;
  body: string;
  /** 1-based line of the original file where `body` begins (1 without front matter). */
  bodyStartLine: number;
}

/** The front matter of a document is not valid YAML, not a mapping, or has ill-typed fields. */
export class FrontMatterError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'FrontMatterError';
  }
}

const OPEN = /^\uFEFF?---[ \t]*$/;
const CLOSE = /^(---|\.\.\.)[ \t]*$/;
const H1 = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function splitFrontMatter(lines: string[]): { yaml: string; bodyIndex: number } | undefined {
  if (lines.length === 0 || !OPEN.test(lines[0]!)) return undefined;
  const close = lines.findIndex((line, i) => i > 0 && CLOSE.test(line));
  if (close < 0) throw new FrontMatterError('Front matter opened on line 1 is never closed by a "---" line', 1);
  return { yaml: lines.slice(1, close).join('\n'), bodyIndex: close + 1 };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function parseFrontMatter(yaml: string): Record<string, unknown> {
  const doc = parseYaml(yaml, { prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    // +1: the YAML starts on the line after the opening `---`.
    const line = lineAt(yaml, error.pos[0]) + 1;
    throw new FrontMatterError(`Front matter line ${line}: ${error.message}`, line);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new FrontMatterError('Front matter line 2: expected a mapping of keys to values (e.g. "title: Guide")', 2);
  }
  return value as Record<string, unknown>;
}

function tagsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  let raw: unknown[];
  if (typeof value === 'string') raw = value.split(',');
  else if (Array.isArray(value)) raw = value;
  else throw new FrontMatterError('Front matter: "tags" must be a list of strings or a comma-separated string', 2);
  const tags = raw.map((tag) => {
    if (typeof tag !== 'string' && typeof tag !== 'number') {
      throw new FrontMatterError('Front matter: every entry of "tags" must be a string', 2);
    }
    return String(tag).trim().toLowerCase();
  });
  return [...new Set(tags.filter((tag) => tag !== ''))];
}

function firstH1(lines: string[]): string | undefined {
  let fence: string | undefined;
  for (const line of lines) {
    const marker = FENCE.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    const title = fence === undefined ? H1.exec(line)?.[1]?.trim() : undefined;
    if (title) return title;
  }
  return undefined;
}

const fileTitle = (path: string) => (path.split('/').pop() ?? path).replace(/\.[^.]+$/, '') || path;

/**
 * Splits a document into YAML front matter (between `---` lines at the very start) and body. Title: front matter
 * `title`, else the first `# H1`, else the file name without extension. Tags: a list or a comma-separated string.
 * @throws FrontMatterError when the front matter is unclosed, malformed YAML, not a mapping, or has ill-typed tags.
 * @example parseDocument('shared/a.md', '---\ntags: Ops, git\n---\n# Deploy\n').tags // ['ops', 'git']
 */
export function parseDocument(path: string, text: string): ParsedDocument {
  const lines = text.split(/\r?\n/);
  const front = splitFrontMatter(lines);
  const metadata = front ? parseFrontMatter(front.yaml) : {};
  const bodyLines = front ? lines.slice(front.bodyIndex) : lines;
  const declared = metadata.title;
  const title =
    (typeof declared === 'string' || typeof declared === 'number') && String(declared).trim() !== ''
      ? String(declared).trim()
      : (firstH1(bodyLines) ?? fileTitle(path));
  return {
    path,
    title,
    tags: tagsOf(metadata.tags),
    metadata,
    body: bodyLines.join('\n'),
    bodyStartLine: front ? front.bodyIndex + 1 : 1,
  };
}

/**
 * True for content that is not UTF-8 text: a NUL byte in the first 8 KB, or invalid UTF-8 anywhere.
 * @example isBinary(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0])) // true
 */
export function isBinary(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 8192).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}
