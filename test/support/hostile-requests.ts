/**
 * Builds hostile variants of a route's request from its OpenAPI operation: a plausible baseline (every required
 * parameter and body field with a sample that fits its schema), then one variant per hostile value per field — body
 * fields (nested ones too), query, path and header parameters — plus whole-body variants (empty, wrong type, invalid
 * UTF-8, deep nesting, prototype keys). Every other field keeps its baseline value, so validation reaches the
 * mutated one.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
};

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One request to send: where, what, and a label saying which field got which hostile value. */
export interface HostileRequest {
  label: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /**
   * The value must be refused with a 400: text PostgreSQL cannot store (NUL, unpaired surrogates), bytes that are not
   * UTF-8, nesting deeper than the platform allows, prototype keys — in a field the route declares.
   */
  refuse?: boolean;
}

/** Baseline values the generic samples cannot guess (real ids, a document path the caller may write...). */
export interface Baseline {
  /** Path parameter values by name. */
  params: Record<string, string>;
  /** Query parameter values by name (only sent when required, or when mutated). */
  query?: Record<string, string>;
  /** Header values by name (only sent when required, or when mutated). */
  headers?: Record<string, string>;
  /** Body field values (top level) that replace the samples. */
  body?: Record<string, unknown>;
}

export const ONE_MB = 1 << 20;
/** Node's HTTP server refuses request heads over 16 KB, so a longer path or query never reaches a route. */
const URL_CHARS = 12 * 1024;
const DEPTH = 100_000;
/** `[[[…]]]` 100 000 levels deep, as JSON text (JSON.stringify would overflow the stack on it). */
export const DEEP_JSON = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const SLOT = '__hostile_slot__';
const SLOT_JSON = JSON.stringify(SLOT);

/** A hostile value as raw JSON text, or `bytes` for text that is not valid UTF-8. */
interface HostileValue {
  label: string;
  json?: string;
  bytes?: Uint8Array;
  refuse?: boolean;
}

const INVALID_UTF8 = new Uint8Array([0x22, 0x6f, 0x6b, 0xff, 0xfe, 0xc3, 0x28, 0x22]); // "ok\xff\xfe\xc3(" as a JSON string

/** What every body field receives, one at a time. */
const FIELD_VALUES: HostileValue[] = [
  { label: 'NUL', json: JSON.stringify('before\u0000after'), refuse: true },
  { label: 'lone surrogate', json: '"before\\ud800after"', refuse: true },
  { label: 'lone low surrogate', json: '"\\udc00"', refuse: true },
  { label: '1 MB string', json: JSON.stringify('x'.repeat(ONE_MB)) },
  { label: 'invalid UTF-8', bytes: INVALID_UTF8, refuse: true },
  { label: 'number as string', json: '"12"' },
  { label: 'number', json: '12' },
  { label: 'huge number', json: '1e999' },
  { label: 'array', json: '["a",1]' },
  { label: 'object', json: '{"a":1}' },
  { label: 'null', json: 'null' },
  { label: 'deep nesting', json: DEEP_JSON, refuse: true },
  { label: '__proto__ object', json: '{"__proto__":{"polluted":true}}', refuse: true },
];

/** Whole bodies, sent with `content-type: application/json` unless said otherwise. */
const BODIES: { label: string; body: string | Uint8Array; type?: string; refuse?: boolean; headers?: Record<string, string> }[] = [
  // The gateway refuses it from the header alone (413), before reading anything.
  { label: 'declared 64 MB body', body: '{}', headers: { 'content-length': String(64 * ONE_MB) } },
  { label: 'empty body', body: '' },
  { label: 'whitespace body', body: '  \n' },
  { label: 'array body', body: '[]' },
  { label: 'string body', body: '"text"' },
  { label: 'number body', body: '12' },
  { label: 'null body', body: 'null' },
  { label: 'deep nesting body', body: DEEP_JSON, refuse: true },
  { label: 'deep object body', body: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), refuse: true },
  { label: 'NUL key', body: '{"a\\u0000b":1}', refuse: true },
  { label: 'invalid UTF-8 body', body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), refuse: true },
  { label: 'truncated JSON', body: '{"a":' },
  { label: 'BOM', body: '\ufeff{}' },
];

const QUERY_VALUES: { label: string; raw: string; refuse?: boolean }[] = [
  { label: 'NUL', raw: 'a%00b', refuse: true },
  { label: 'invalid UTF-8', raw: '%FF%FE' },
  { label: 'encoded surrogate', raw: '%ED%A0%80' },
  { label: 'longest URL', raw: 'x'.repeat(URL_CHARS) },
  { label: 'not a number', raw: 'abc' },
  { label: 'negative', raw: '-1' },
  { label: 'huge number', raw: '1e999' },
  { label: 'empty', raw: '' },
];

const PATH_VALUES: { label: string; raw: string; refuse?: boolean }[] = [
  { label: 'NUL', raw: 'a%00b', refuse: true },
  { label: 'invalid UTF-8', raw: '%FF%FE' },
  { label: 'encoded surrogate', raw: '%ED%A0%80' },
  { label: 'traversal', raw: '..%2F..%2Fetc%2Fpasswd' },
  { label: 'longest URL', raw: 'x'.repeat(URL_CHARS) },
  { label: 'non-ASCII', raw: encodeURIComponent('é漢字') },
];

/** Header values (a NUL or a lone surrogate cannot be put in a header at all: `Headers` refuses them). */
const HEADER_VALUES: { label: string; value: string }[] = [
  { label: 'Latin-1 bytes', value: '\u00ff\u00fe' },
  { label: '64 KB', value: 'x'.repeat(64 * 1024) },
  { label: 'empty', value: '' },
];

function resolve(schema: Schema | undefined, doc: OpenApiDocument): Schema {
  let current = schema ?? {};
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    current = doc.components?.schemas?.[current.$ref.replace('#/components/schemas/', '')] ?? {};
  }
  if (current.allOf) return Object.assign({}, ...current.allOf.map((s) => resolve(s, doc)));
  const options = current.anyOf ?? current.oneOf;
  if (options) return resolve(options.find((o) => resolve(o, doc).type !== 'null') ?? options[0], doc);
  return current;
}

const typeOf = (schema: Schema) => (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type);

/** A value that satisfies `schema` as far as its type, format, enum and bounds go. */
export function sample(schema: Schema | undefined, doc: OpenApiDocument, all = false): unknown {
  const s = resolve(schema, doc);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  switch (typeOf(s) ?? (s.properties ? 'object' : undefined)) {
    case 'string': {
      if (s.format === 'uuid') return crypto.randomUUID();
      if (s.format === 'email') return `hostile-${crypto.randomUUID()}@example.com`;
      if (s.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      const text = 'hostile sample';
      return text.padEnd(s.minLength ?? 0, 'x').slice(0, s.maxLength ?? text.length);
    }
    case 'integer':
    case 'number':
      return s.minimum ?? Math.min(1, s.maximum ?? 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () => sample(s.items, doc, all));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        if (all || s.required?.includes(key)) out[key] = sample(prop, doc, all);
      }
      return out;
    }
    default:
      return 'hostile sample';
  }
}

/** Every path to a leaf of `value` (object keys and the first item of arrays). */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.length === 0 ? [prefix] : [prefix, ...leafPaths(value[0], [...prefix, 0])];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [prefix] : [...(prefix.length ? [prefix] : []), ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
  }
  return [prefix];
}

/** `base` with `path` set to the slot marker, missing containers copied from `full`. */
function withSlot(base: unknown, full: unknown, path: (string | number)[]): unknown {
  if (path.length === 0) return SLOT;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const fullChild = (full as Record<string | number, unknown> | undefined)?.[head];
  const container = (
    Array.isArray(base) ? [...base] : base && typeof base === 'object' ? { ...base } : Array.isArray(full) ? [] : {}
  ) as Record<string | number, unknown>;
  const child = (base as Record<string | number, unknown> | undefined)?.[head] ?? structuredClone(fullChild);
  container[head] = withSlot(child, fullChild, rest);
  return container;
}

const encoder = new TextEncoder();

function fill(template: string, value: HostileValue): string | Uint8Array {
  if (value.json !== undefined) return template.replace(SLOT_JSON, () => value.json as string);
  const [before, after] = template.split(SLOT_JSON) as [string, string];
  const head = encoder.encode(before);
  const tail = encoder.encode(after);
  const bytes = new Uint8Array(head.length + value.bytes!.length + tail.length);
  bytes.set(head, 0);
  bytes.set(value.bytes!, head.length);
  bytes.set(tail, head.length + value.bytes!.length);
  return bytes;
}

/** The route's concrete path with `params` (already URL-encoded) filled in. */
function concretePath(template: string, params: Record<string, string>, query: string): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '00000000-0000-4000-8000-000000000000');
  return query ? `${path}?${query}` : path;
}

/** A JSON object's text with one more member first. */
const withKey = (text: string | undefined, member: string) => (!text || text === '{}' ? `{${member}}` : text.replace(/^\{/, `{${member},`));

const encodeQuery = (entries: [string, string][]) => entries.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');

/**
 * The baseline body of an operation (required fields only, then `baseline.body`), or undefined when it reads no JSON
 * (no JSON body declared and no `baseline.body` given: a route like MCP's reads JSON without declaring its schema).
 */
function baselineBody(operation: Operation, doc: OpenApiDocument, baseline: Baseline): Record<string, unknown> | undefined {
  const schema = operation.requestBody?.content['application/json']?.schema;
  const given = baseline.body && Object.keys(baseline.body).length > 0 ? baseline.body : undefined;
  if (!schema) return given && structuredClone(given);
  return { ...(sample(schema, doc) as Record<string, unknown>), ...given };
}

/**
 * Every hostile variant of one operation: per field (body, query, path, header) one request per hostile value,
 * and the whole-body variants for methods that carry a body.
 * @example for (const r of hostileRequests('/api/v1/chat', 'post', op, doc, baseline)) await send(r);
 */
export function hostileRequests(template: string, method: string, operation: Operation, doc: OpenApiDocument, baseline: Baseline): HostileRequest[] {
  const parameters = operation.parameters ?? [];
  const params: Record<string, string> = {};
  for (const p of parameters.filter((p) => p.in === 'path')) params[p.name] = baseline.params[p.name] ?? encodeURIComponent(String(sample(p.schema, doc)));
  const requiredQuery: [string, string][] = parameters
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => [p.name, baseline.query?.[p.name] ?? encodeURIComponent(String(sample(p.schema, doc)))]);
  const headers: Record<string, string> = {};
  for (const p of parameters.filter((p) => p.in === 'header' && p.required)) headers[p.name] = baseline.headers?.[p.name] ?? String(sample(p.schema, doc));

  const hasBody = !['get', 'head', 'delete'].includes(method);
  const body = baselineBody(operation, doc, baseline);
  const bodyText = hasBody ? JSON.stringify(body ?? {}) : undefined;
  const jsonHeaders = hasBody ? { ...headers, 'content-type': 'application/json' } : headers;
  const requests: HostileRequest[] = [];
  const push = (label: string, path: string, h: Record<string, string>, b: string | Uint8Array | undefined, refuse = false) =>
    requests.push({ label, path, headers: h, ...(b === undefined ? {} : { body: b }), ...(refuse ? { refuse } : {}) });
  const basePath = concretePath(template, params, encodeQuery(requiredQuery));

  for (const p of parameters.filter((p) => p.in === 'query')) {
    for (const v of QUERY_VALUES) {
      const query = [...requiredQuery.filter(([k]) => k !== p.name), [p.name, v.raw] as [string, string]];
      push(`query ${p.name}: ${v.label}`, concretePath(template, params, encodeQuery(query)), jsonHeaders, bodyText, v.refuse);
    }
    const repeated = [...requiredQuery.filter(([k]) => k !== p.name), [p.name, 'a'] as [string, string], [p.name, 'b'] as [string, string]];
    push(`query ${p.name}: repeated`, concretePath(template, params, encodeQuery(repeated)), jsonHeaders, bodyText);
  }
  for (const p of parameters.filter((p) => p.in === 'path')) {
    for (const v of PATH_VALUES) {
      push(`path ${p.name}: ${v.label}`, concretePath(template, { ...params, [p.name]: v.raw }, encodeQuery(requiredQuery)), jsonHeaders, bodyText, v.refuse);
    }
  }
  for (const p of parameters.filter((p) => p.in === 'header')) {
    for (const v of HEADER_VALUES) push(`header ${p.name}: ${v.label}`, basePath, { ...jsonHeaders, [p.name]: v.value }, bodyText);
  }
  if (!hasBody) return requests;

  const schema = operation.requestBody?.content['application/json']?.schema;
  const readsJson = body !== undefined;
  if (readsJson) {
    const full = { ...(schema ? (sample(schema, doc, true) as Record<string, unknown>) : {}), ...baseline.body };
    for (const path of leafPaths(full).filter((p) => p.length > 0)) {
      const template = JSON.stringify(withSlot(body, full, path));
      for (const v of FIELD_VALUES) push(`body ${path.join('.')}: ${v.label}`, basePath, jsonHeaders, fill(template, v), v.refuse);
    }
  }
  // Only a route that reads JSON must refuse what it cannot store; others may ignore the body.
  for (const v of BODIES) push(v.label, basePath, { ...headers, 'content-type': v.type ?? 'application/json', ...v.headers }, v.body, readsJson && v.refuse);
  push('wrong content type', basePath, { ...headers, 'content-type': 'text/plain' }, bodyText ?? '{}');
  push('form content type', basePath, { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, 'a=b');
  push('no content type', basePath, headers, bodyText ?? '{}');
  push('__proto__ key', basePath, jsonHeaders, withKey(bodyText, '"__proto__":{"isAdmin":true,"roles":["super_admin"]}'), readsJson);
  push('constructor.prototype key', basePath, jsonHeaders, withKey(bodyText, '"constructor":{"prototype":{"isAdmin":true}}'), readsJson);
  return requests;
}
