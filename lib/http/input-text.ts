/**
 * Text a request may carry but the platform cannot store or handle safely. PostgreSQL `text` and `jsonb` refuse NUL
 * (`\u0000`) and jsonb refuses unpaired UTF-16 surrogates (`"\ud800"` is valid JSON, yet not Unicode text), so both
 * are refused at the edge with a 400 instead of failing in SQL with a 500; JSON nested deeper than
 * {@link MAX_JSON_DEPTH} would overflow the stack of every recursive walk after it (`JSON.stringify`, zod, the
 * database driver); a `__proto__` key (or `constructor.prototype`) is how a JSON body pollutes prototypes once it is
 * merged into an object.
 */

/** The deepest nesting a request's JSON may have: the root object or array is level 1. */
export const MAX_JSON_DEPTH = 64;

/** Where a value breaks the rules and why, e.g. `{ path: ['messages', 0, 'content'], message: 'must not contain NUL…' }`. */
export interface InputProblem {
  path: (string | number)[];
  message: string;
}

const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';
export const SURROGATE_MESSAGE = 'must not contain unpaired UTF-16 surrogates (\\ud800-\\udfff): text must be valid Unicode';

/**
 * Why a string cannot be stored, or undefined when it can (any other Unicode, tabs and newlines included).
 * @example textProblem('a\u0000b') // 'must not contain NUL (\\u0000) characters'
 */
export function textProblem(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  return match[0] === '\0' ? NUL_MESSAGE : SURROGATE_MESSAGE;
}

interface Pending {
  value: unknown;
  depth: number;
  key: string | number | undefined;
  parent: Pending | undefined;
}

function pathOf(node: Pending | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let n = node; n?.key !== undefined; n = n.parent) path.push(n.key);
  return path.reverse();
}

/**
 * The first problem in a decoded request value (a JSON body, or query, path and header parameters): a string or
 * object key with NUL or an unpaired surrogate, nesting deeper than `maxDepth`, a `__proto__` key, or a `constructor`
 * object with a `prototype` key. Walks with an explicit stack, so any depth is safe to inspect.
 * @example findInputProblem({ q: 'a\u0000' }) // { path: ['q'], message: 'must not contain NUL (\\u0000) characters' }
 */
export function findInputProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): InputProblem | undefined {
  const stack: Pending[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop() as Pending;
    const current = node.value;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { path: pathOf(node), message: problem };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const depth = node.depth + 1;
    if (depth > maxDepth) return { path: pathOf(node), message: `must not nest deeper than ${maxDepth} levels` };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth, key: i, parent: node });
      continue;
    }
    // Only plain data: a validator's output may hold Dates, URLs and the like, which are not request text.
    const proto = Object.getPrototypeOf(current);
    if (proto !== Object.prototype && proto !== null) continue;
    for (const key of Object.keys(current)) {
      const child = (current as Record<string, unknown>)[key];
      const keyProblem = textProblem(key);
      if (keyProblem) return { path: [...pathOf(node), key], message: `key ${keyProblem}` };
      if (key === '__proto__') return { path: pathOf(node), message: 'must not have a "__proto__" key' };
      if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) {
        return { path: [...pathOf(node), key], message: 'must not have a "prototype" key' };
      }
      stack.push({ value: child, depth, key, parent: node });
    }
  }
  return undefined;
}

/**
 * A problem's path as the error envelope's `details` show it (`messages.0.content`, `(root)` for the value itself);
 * paths longer than 8 steps are cut in the middle.
 * @example formatInputPath(['messages', 0, 'content']) // 'messages.0.content'
 */
export function formatInputPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  if (path.length <= 8) return path.join('.');
  return `${path.slice(0, 3).join('.')}.….${path.slice(-2).join('.')}`;
}
