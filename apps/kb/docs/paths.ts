/** Document paths: validation and namespaces (`shared/`, `users/<id>/`, `teams/<id>/`). */

export const DOCUMENT_EXTENSIONS = ['.md', '.markdown', '.mdx', '.txt'] as const;

export type PathProblem = 'empty' | 'absolute' | 'traversal' | 'git' | 'characters' | 'too_long' | 'extension';

export type PathCheck = { ok: true; path: string } | { ok: false; problem: PathProblem; message: string };

const SEGMENT = /^[\p{L}\p{N} ._@+()-]+$/u;
const MAX_PATH = 512;

/**
 * Normalises and validates a repository-relative path: no leading `/`, no `..` or `.` segments, no `.git`, no
 * backslashes or control characters. `kind: 'file'` also requires a document extension.
 * @example checkPath('shared/guide.md', 'file') // { ok: true, path: 'shared/guide.md' }
 */
export function checkPath(raw: string, kind: 'file' | 'dir'): PathCheck {
  const fail = (problem: PathProblem, message: string): PathCheck => ({ ok: false, problem, message });
  const trimmed = kind === 'dir' ? raw.replace(/\/+$/, '') : raw;
  if (trimmed === '') return kind === 'dir' ? { ok: true, path: '' } : fail('empty', 'The path is empty');
  if (trimmed.length > MAX_PATH) return fail('too_long', `The path is longer than ${MAX_PATH} characters`);
  if (trimmed.startsWith('/') || /^[a-zA-Z]:/.test(trimmed)) return fail('absolute', 'Paths are relative to the knowledge base root');
  if (trimmed.includes('\\')) return fail('characters', 'Use "/" to separate path segments');
  const segments = trimmed.split('/');
  for (const segment of segments) {
    if (segment === '..' || segment === '.') return fail('traversal', 'Paths may not contain "." or ".." segments');
    if (segment === '') return fail('characters', 'Paths may not contain empty segments ("//")');
    if (segment.toLowerCase() === '.git') return fail('git', 'Paths may not touch the .git directory');
    if (!SEGMENT.test(segment)) return fail('characters', `The path segment ${JSON.stringify(segment)} has characters that are not allowed`);
  }
  if (kind === 'file') {
    const lower = trimmed.toLowerCase();
    if (!DOCUMENT_EXTENSIONS.some((ext) => lower.endsWith(ext))) {
      return fail('extension', `Documents must end in ${DOCUMENT_EXTENSIONS.join(', ')}`);
    }
  }
  return { ok: true, path: trimmed };
}

/** True when a path has a document extension (what the indexer reads). */
export function isDocumentPath(path: string): boolean {
  const lower = path.toLowerCase();
  return DOCUMENT_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * The namespace a path lives in: `shared`, `users/<id>`, `teams/<id>`; null for anything else (root files,
 * unknown top-level folders), which only kb_admin may read.
 * @example namespaceOf('teams/9b1…/plan.md') // 'teams/9b1…'
 */
export function namespaceOf(path: string): string | null {
  const [top, id, ...rest] = path.split('/');
  if (top === 'shared') return id === undefined ? null : 'shared';
  if ((top === 'users' || top === 'teams') && id && rest.length > 0) return `${top}/${id}`;
  return null;
}

/** Checks a `namespace` filter value (`shared`, `users/<id>`, `teams/<id>`). */
export function isNamespace(value: string): boolean {
  return value === 'shared' || /^(users|teams)\/[\p{L}\p{N}._@+-]+$/u.test(value);
}
