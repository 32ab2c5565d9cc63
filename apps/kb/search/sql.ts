import type { ReadScope } from './types.ts';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The quoted identifier of a schema name, after checking it (it is interpolated into SQL, never user input).
 * @example schemaIdent('kb') // '"kb"'
 */
export function schemaIdent(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return `"${schema}"`;
}

/**
 * A LIKE pattern matching strings that start with `prefix`, its `\`, `%` and `_` escaped (backslash is
 * PostgreSQL's default LIKE escape), so a prefix can never match more than itself.
 * @example likePrefix('users/a_b/') // 'users/a\\_b/%'
 */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Which documents a query may see. */
export interface DocumentFilters {
  scope: ReadScope;
  namespace?: string | undefined;
  pathPrefix?: string | undefined;
  tags?: string[] | undefined;
}

/**
 * The SQL condition (over the documents alias `d`, or `c` for path conditions on chunks) for the filters,
 * appending its values to `params`. The read scope is always part of it, so it is applied before any LIMIT.
 * @example const where = filterSql({ scope, namespace: 'shared' }, params); // `d.path like any (...) and d.namespace = $2`
 */
export function filterSql(filters: DocumentFilters, params: unknown[], alias: 'd' | 'c' = 'd'): string {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions: string[] = [];
  if (!filters.scope.all) {
    const patterns = JSON.stringify(filters.scope.prefixes.map(likePrefix));
    conditions.push(`${alias}.path like any (array(select jsonb_array_elements_text(${param(patterns)}::text::jsonb)))`);
  }
  if (filters.namespace !== undefined) conditions.push(`d.namespace = ${param(filters.namespace)}::text`);
  if (filters.pathPrefix !== undefined && filters.pathPrefix !== '') {
    conditions.push(`${alias}.path like ${param(likePrefix(filters.pathPrefix))}::text`);
  }
  const tags = normaliseTags(filters.tags);
  if (tags.length > 0) {
    conditions.push(`d.tags @> array(select jsonb_array_elements_text(${param(JSON.stringify(tags))}::text::jsonb))`);
  }
  return conditions.length > 0 ? conditions.join(' and ') : 'true';
}

/**
 * The same filters over the chunks alias `c`: scope and folder on `c.path` (no join), namespace and tags through an
 * `exists` on the documents table only when asked for — so ranking many matches never joins per chunk.
 * @example const where = chunkFilterSql({ scope }, params, '"kb"'); // `c.path like any (...)`
 */
export function chunkFilterSql(filters: DocumentFilters, params: unknown[], schema: string): string {
  const pathOnly = filterSql({ scope: filters.scope, pathPrefix: filters.pathPrefix }, params, 'c');
  if (filters.namespace === undefined && normaliseTags(filters.tags).length === 0) return pathOnly;
  const documentWhere = filterSql({ scope: { all: true }, namespace: filters.namespace, tags: filters.tags }, params);
  return `${pathOnly} and exists (select 1 from ${schema}.documents d where d.path = c.path and ${documentWhere})`;
}

/**
 * Tags as stored: trimmed, lower-cased, without empties or duplicates.
 * @example normaliseTags([' Ops', 'ops', '']) // ['ops']
 */
export function normaliseTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
}

/**
 * True when `path` is readable within `scope` (the same rule as the SQL filter).
 * @example inScope('users/bob/a.md', { all: false, prefixes: ['users/bob/'] }) // true
 */
export function inScope(path: string, scope: ReadScope): boolean {
  return scope.all || scope.prefixes.some((prefix) => path.startsWith(prefix));
}
