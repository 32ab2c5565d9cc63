const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is a UUID as PostgreSQL's `uuid` type reads it (8-4-4-4-12 hex digits, any case, any version), so
 * it can be compared with a `uuid` column without a cast error. The one definition the services share: a value one
 * check accepts is never refused by another (`z.guid()` at routes is the same rule).
 * @example isUuid('12345678-1234-1234-1234-123456789abc'); // true; isUuid('not-a-uuid'); // false
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
