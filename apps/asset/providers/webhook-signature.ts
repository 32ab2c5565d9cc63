import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `data` under `secret`, lowercase hex. */
export const hmacHex = (secret: string, data: string): string => createHmac('sha256', secret).update(data).digest('hex');

/**
 * Whether `given` equals `expected`, in time that does not depend on where they differ nor on their lengths (both
 * are hashed to 32 bytes first). An empty value never matches.
 * @example safeEqual(request.headers.get('x-signature') ?? '', hmacHex(secret, rawBody))
 */
export function safeEqual(given: string, expected: string): boolean {
  if (!given || !expected) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Whether `signature` (hex, with or without a `sha256=` prefix) is the HMAC-SHA256 of the raw body under `secret`.
 * @example verifyBodyHmac(secret, rawBody, headers.get('x-meshy-signature'))
 */
export function verifyBodyHmac(secret: string, rawBody: string, signature: string | null): boolean {
  const given = (signature ?? '').trim().replace(/^sha256=/i, '').toLowerCase();
  return safeEqual(given, hmacHex(secret, rawBody));
}

/** A webhook body parsed as a JSON object, or null (not JSON, or not an object). */
export function jsonObject(rawBody: string): Record<string, unknown> | null {
  try {
    const payload: unknown = JSON.parse(rawBody);
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
