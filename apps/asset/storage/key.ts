/** A key segment: letters, digits, `.`, `_`, `-`, not starting with `.` (so never `.` or `..`). */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 512;
/** The longest signed URL lifetime S3's SigV4 accepts (7 days); every store keeps to it. */
export const MAX_SIGNED_URL_TTL_S = 604_800;

/**
 * Throws a `TypeError` unless `key` is a service-made blob key: `/`-separated segments of letters, digits, `.`, `_` and
 * `-`, none empty or starting with `.`, at most 512 characters. Every store calls it first, so a key that could climb
 * out of a directory (`..`), be absolute, or mean different things to different stores never reaches one.
 * @example assertBlobKey('3f0c…/9a1e…/asset.png'); // ok
 * assertBlobKey('../etc/passwd'); // throws
 */
export function assertBlobKey(key: string): void {
  const valid = typeof key === 'string' && key.length <= MAX_KEY_LENGTH && key.split('/').every((segment) => SEGMENT.test(segment));
  if (!valid) {
    const shown = JSON.stringify(String(key).slice(0, 80));
    throw new TypeError(`invalid blob key ${shown}: use /-separated segments of letters, digits, ".", "_" and "-" (none empty or starting with ".")`);
  }
}

/**
 * Throws a `RangeError` unless `ttlSeconds` is a whole number of seconds from 1 to {@link MAX_SIGNED_URL_TTL_S}.
 * @example assertSignedUrlTtl(300); // ok
 */
export function assertSignedUrlTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_SIGNED_URL_TTL_S) {
    throw new RangeError(`invalid signed URL lifetime ${ttlSeconds}: must be a whole number of seconds from 1 to ${MAX_SIGNED_URL_TTL_S}`);
  }
}
