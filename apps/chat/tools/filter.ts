import type { Tool } from './types.ts';

/**
 * Whether `name` matches one allow-list entry: an exact name, or `prefix*` for every name starting with `prefix`
 * (`*` alone matches all).
 * @example matchesToolPattern('docs__search', 'docs__*') // true
 */
export function matchesToolPattern(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Whether `name` matches any of `patterns`. */
export function allowedBy(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesToolPattern(name, pattern));
}

/**
 * The tools a persona may use: `allowed` lists exact names and `prefix*` patterns; `null` allows all, `[]` none.
 * @example filterTools(tools, ['kb_*', 'docs__search'])
 */
export function filterTools(tools: readonly Tool[], allowed: readonly string[] | null): Tool[] {
  if (allowed === null) return [...tools];
  return tools.filter((tool) => allowedBy(tool.spec.name, allowed));
}
