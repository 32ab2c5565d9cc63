const SECRET_KEY = /authorization|cookie|api[-_]?key|passw(or)?d|secret|token|credential|private[-_]?key|^dsn$/i;
const SECRET_VALUE: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [REDACTED]'],
  [/\bBasic\s+[A-Za-z0-9+/=]{8,}/gi, 'Basic [REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[REDACTED_JWT]'],
  [/\bgaia_[a-z0-9]+_[A-Za-z0-9_-]{8,}/g, '[REDACTED_API_KEY]'],
  [/\b(sk|pk|rk)-[A-Za-z0-9_-]{16,}/g, '[REDACTED_KEY]'],
  [/(\w+:\/\/[^:/?#\s]*:)[^@/\s]+@/g, '$1[REDACTED]@'],
  [/\b(passw(?:or)?d|secret|token|api[-_]?key)(\s*[=:]\s*)[^\s&,;"']+/gi, '$1$2[REDACTED]'],
];

/** Something in the string that any pattern above could match; most log strings have none, so they skip the rest. */
const SUSPECT = /bearer|basic|eyJ|gaia_|[spr]k-|:\/\/|passw|secret|token|api[-_]?key/i;

export const REDACTED = '[REDACTED]';

/** Masks secrets inside a free-text string: bearer/basic credentials, JWTs, API keys, URL passwords. */
export function redactString(value: string): string {
  if (!SUSPECT.test(value)) return value;
  let out = value;
  for (const [pattern, replacement] of SECRET_VALUE) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Deep copy of `value` with secrets masked: values under secret-looking keys become `[REDACTED]`,
 * and secret-looking substrings in other strings are masked.
 * @example redact({ headers: { authorization: 'Bearer x' } }) // { headers: { authorization: '[REDACTED]' } }
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[TRUNCATED]';
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      ...(value.stack ? { stack: redactString(value.stack) } : {}),
      ...(value.cause !== undefined ? { cause: redact(value.cause, depth + 1) } : {}),
      ...(redact({ ...value }, depth + 1) as object),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'boolean' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
