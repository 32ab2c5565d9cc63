import type { FileChange } from '../git/types.ts';

/** What the indexer reads: the repository at a commit (implemented by `KbRepo`). */
export interface IndexSource {
  head(): Promise<string | undefined>;
  changedFiles(from: string | undefined, to: string): Promise<FileChange[]>;
  readFile(path: string, ref?: string): Promise<{ content: Uint8Array; oid: string } | undefined>;
  /** Reads a blob by sha: much cheaper than by path (no commit and tree parsing per file). Optional. */
  readBlob?(oid: string): Promise<Uint8Array | undefined>;
}

/** Which paths a caller may read: everything (kb_admin), or paths under these prefixes (each ends with `/`). */
export type ReadScope = { all: true } | { all: false; prefixes: string[] };

export type SearchMode = 'fulltext' | 'semantic' | 'hybrid';

/**
 * How full-text search matches the words of a query: `all` (default) as a web search (`websearch_to_tsquery`: every
 * word, `"phrases"`, `or`, `-exclude`); `any`: any of its meaningful words (stop words dropped), ranked so that
 * passages with more of them, and in titles and headings, come first — for questions in natural language.
 */
export type SearchMatch = 'all' | 'any';

export interface SearchQuery {
  q: string;
  mode: SearchMode;
  /** `shared`, `users/<id>`, `teams/<id>` */
  namespace?: string;
  /** Repository-relative prefix, e.g. `shared/guides/`. */
  pathPrefix?: string;
  /** Every listed tag must be present in the document's front matter. */
  tags?: string[];
  limit: number;
  /** Full-text word matching (also the full-text half of hybrid); default `all`. */
  match?: SearchMatch;
}

export interface SearchHit {
  path: string;
  title: string;
  /** Heading of the chunk ('' for text before the first heading). */
  heading: string;
  /** Highlighted with `<mark>`…`</mark>` for full-text; plain text excerpt for semantic. */
  snippet: string;
  score: number;
  /** 1-based, inclusive, lines of the file the chunk spans. */
  lineStart: number;
  lineEnd: number;
}

export interface IndexProgress {
  phase: 'diff' | 'index' | 'embed' | 'done';
  done: number;
  total: number;
}

export interface IndexReport {
  from: string | null;
  to: string | null;
  /** Files (re)written into the index. */
  indexed: number;
  /** Files removed from the index. */
  deleted: number;
  /** Changed files not indexable (wrong extension, binary, bad front matter) — listed in `problems`. */
  skipped: number;
  problems: { path: string; reason: string }[];
  durationMs: number;
}

/** Turns texts into vectors (OpenAI embeddings API or any compatible server). */
export type { Embedder } from '../../../lib/openai/embeddings.ts';

export interface ContextRequest {
  query?: string;
  /** How `query`'s words are matched (see {@link SearchMatch}); default `all`. */
  match?: SearchMatch;
  path?: string;
  /** Approximate token budget for all passages together (tokens ≈ chars / 4). */
  maxTokens: number;
}

export interface ContextPassage {
  path: string;
  title: string;
  heading: string;
  text: string;
  lineStart: number;
  lineEnd: number;
  score: number;
}

export interface ContextResult {
  passages: ContextPassage[];
  tokens: number;
  /** True when relevant passages were left out for the budget. */
  truncated: boolean;
}
