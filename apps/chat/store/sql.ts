const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The quoted identifier of a schema name, after checking it (it is interpolated into SQL, never user input).
 * @example schemaIdent('chat') // '"chat"'
 */
export function schemaIdent(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return `"${schema}"`;
}

export { isUuid } from '../../../lib/db/uuid.ts';

/**
 * A case-insensitive `ILIKE` pattern matching text that contains `text`, its `\`, `%` and `_` escaped.
 * @example containsPattern('50%_off') // '%50\\%\\_off%'
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A timestamp as read (a `Date` on both adapters, tolerated as a string). */
export const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/** A jsonb value as read (parsed on both adapters, tolerated as JSON text). */
export const fromJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** A JSON object read from jsonb; anything else becomes `{}`. */
export function objectOf(value: unknown): Record<string, unknown> {
  const parsed = fromJson(value);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/**
 * JSON text for a `$n::text::jsonb` parameter: both adapters then agree (postgres.js sends JS arrays as SQL arrays).
 * @example db.query('insert ... values ($1::text::jsonb)', [jsonParam(toolCalls)])
 */
export const jsonParam = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** A PostgreSQL error's SQLSTATE (`23505` unique violation...), on both adapters. */
export function sqlState(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Collects `$n` parameters while a statement is built. */
export function paramList(initial: unknown[] = []) {
  const values = [...initial];
  return {
    values,
    add(value: unknown): string {
      values.push(value);
      return `$${values.length}`;
    },
  };
}
